import java.io.IOException;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;

/**
 * Deploys a WAR on Jetty 12 in the given environment (ee10, ee11) on a free loopback port,
 * prints "LISTENING port", and runs until its standard input ends. Run as a source file:
 * java -cp JETTY_CLASSPATH JettyLauncher.java WAR CONTEXT_PATH ENVIRONMENT
 */
public class JettyLauncher {
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        // Behind a TLS-terminating proxy: Forwarded, X-Forwarded-Proto and X-Forwarded-Host.
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new ForwardedRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        Class<?> type = Class.forName("org.eclipse.jetty." + args[2] + ".webapp.WebAppContext");
        Object webapp = type.getConstructor().newInstance();
        type.getMethod("setContextPath", String.class).invoke(webapp, args[1]);
        type.getMethod("setWar", String.class).invoke(webapp, args[0]);
        server.setHandler((Handler) webapp);
        // The one user of the test applications' BASIC realm.
        UserStore users = new UserStore();
        users.addUser("alice", Credential.getCredential("secret"), new String[] {"user"});
        HashLoginService login = new HashLoginService("fixture");
        login.setUserStore(users);
        server.addBean(login);
        server.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        awaitEndOfInput();
        server.stop();
    }

    static void awaitEndOfInput() throws IOException {
        while (System.in.read() >= 0) {
            // the test process holds our input open while it needs us
        }
    }
}
