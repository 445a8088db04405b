import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;

/**
 * Deploys a WAR on embedded Tomcat on a free loopback port, prints "LISTENING port", and runs
 * until its standard input ends. Run as a source file:
 * java -cp TOMCAT_CLASSPATH TomcatLauncher.java WAR CONTEXT_PATH
 *
 * <p>Lines on standard input are commands, each answered with one line: {@code undeploy}
 * (UNDEPLOYED), {@code deploy} (DEPLOYED), {@code leaks} (LEAKS and the contexts whose class
 * loader Tomcat finds still reachable after a GC), {@code threads} (THREADS and every live
 * thread's name, separated by "|"), {@code heap} (HEAP and the bytes of heap in use after full GCs).
 *
 * <p>System property {@code tomcat.maxConnections} raises the connector's limit (Tomcat's
 * default, 8192 connections, after which it stops accepting; the benchmark holds 10,000), and
 * {@code tomcat.connector.NAME} sets any other connector property NAME (the benchmark's socket
 * buffer sizes).
 */
public class TomcatLauncher {
    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        tomcat.getHost().getAppBaseFile().mkdirs();
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        String maxConnections = System.getProperty("tomcat.maxConnections");
        if (maxConnections != null) {
            connector.setProperty("maxConnections", maxConnections);
        }
        // -Dtomcat.connector.NAME=VALUE sets the connector property NAME, e.g. socket.appReadBufSize.
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("tomcat.connector.")) {
                connector.setProperty(name.substring("tomcat.connector.".length()), System.getProperty(name));
            }
        }
        tomcat.setConnector(connector);
        // Behind a TLS-terminating proxy (trusted from loopback and private addresses).
        RemoteIpValve forwarded = new RemoteIpValve();
        forwarded.setProtocolHeader("X-Forwarded-Proto");
        forwarded.setHostHeader("X-Forwarded-Host");
        forwarded.setPortHeader("X-Forwarded-Port");
        tomcat.getEngine().getPipeline().addValve(forwarded);
        tomcat.addUser("alice", "secret");
        tomcat.addRole("alice", "user");
        Context context = tomcat.addWebapp(args[1], args[0]);
        tomcat.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
        String command;
        while ((command = commands.readLine()) != null) {
            switch (command.trim()) {
                case "undeploy" -> {
                    tomcat.getHost().removeChild(context);
                    System.out.println("UNDEPLOYED");
                }
                case "deploy" -> {
                    context = tomcat.addWebapp(args[1], args[0]);
                    System.out.println("DEPLOYED");
                }
                case "leaks" -> System.out.println("LEAKS " + String.join("|",
                        ((StandardHost) tomcat.getHost()).findReloadedContextMemoryLeaks()));
                case "threads" -> System.out.println("THREADS " + String.join("|", Thread.getAllStackTraces().keySet()
                        .stream().map(Thread::getName).sorted().toList()));
                case "heap" -> {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(100);
                    }
                    System.out.println("HEAP " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                }
                default -> System.out.println("UNKNOWN " + command);
            }
            System.out.flush();
        }
        tomcat.stop();
        tomcat.destroy();
    }
}
