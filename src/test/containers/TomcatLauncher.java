import java.io.IOException;
import java.nio.file.Files;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;

/**
 * Deploys a WAR on embedded Tomcat on a free loopback port, prints "LISTENING port", and runs
 * until its standard input ends. Run as a source file:
 * java -cp TOMCAT_CLASSPATH TomcatLauncher.java WAR CONTEXT_PATH
 */
public class TomcatLauncher {
    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        tomcat.getHost().getAppBaseFile().mkdirs();
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        // Behind a TLS-terminating proxy (trusted from loopback and private addresses).
        RemoteIpValve forwarded = new RemoteIpValve();
        forwarded.setProtocolHeader("X-Forwarded-Proto");
        forwarded.setHostHeader("X-Forwarded-Host");
        forwarded.setPortHeader("X-Forwarded-Port");
        tomcat.getEngine().getPipeline().addValve(forwarded);
        tomcat.addUser("alice", "secret");
        tomcat.addRole("alice", "user");
        tomcat.addWebapp(args[1], args[0]);
        tomcat.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        awaitEndOfInput();
        tomcat.stop();
        tomcat.destroy();
    }

    static void awaitEndOfInput() throws IOException {
        while (System.in.read() >= 0) {
            // the test process holds our input open while it needs us
        }
    }
}
