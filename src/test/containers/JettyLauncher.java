import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
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
 * Deploys a WAR on Jetty 12 in the given environment (ee10, ee11), or on Jetty 10 (environment
 * "10"), on a free loopback port,
 * prints "LISTENING port", and runs until its standard input ends. Run as a source file:
 * java -cp JETTY_CLASSPATH JettyLauncher.java WAR CONTEXT_PATH ENVIRONMENT
 *
 * <p>Lines on standard input are commands, each answered with one line: {@code heap} (HEAP and
 * the bytes of heap in use after full GCs, for the benchmark's heap per idle connection).
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
        // Jetty 12 has one WebAppContext per environment; Jetty 10 and 9.4 have one, of no environment.
        Class<?> type = Class.forName(!args[2].startsWith("ee") ? "org.eclipse.jetty.webapp.WebAppContext"
                : "org.eclipse.jetty." + args[2] + ".webapp.WebAppContext");
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
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
        String command;
        while ((command = commands.readLine()) != null) {
            System.out.println(command.trim().equals("heap") ? "HEAP " + heapAfterGc() : "UNKNOWN " + command);
            System.out.flush();
        }
        server.stop();
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
