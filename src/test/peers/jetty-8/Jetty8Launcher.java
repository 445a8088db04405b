import java.io.IOException;
import javax.servlet.http.HttpServletRequest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.nio.SelectChannelConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.websocket.WebSocket;
import org.eclipse.jetty.websocket.WebSocketServlet;

/**
 * A hixie-76 echo server on Jetty 8.1's {@code WebSocketServlet}, at {@code /echo} on a free
 * loopback port; prints "LISTENING port" and runs until its standard input ends. The init-param
 * {@code minVersion=-1} lets the servlet accept hixie-75/76 (its default is RFC 6455 only).
 * Run as a source file: java -cp JETTY8_CLASSPATH Jetty8Launcher.java
 */
public class Jetty8Launcher {

    public static class EchoServlet extends WebSocketServlet {
        @Override
        public WebSocket doWebSocketConnect(HttpServletRequest request, String protocol) {
            return new WebSocket.OnTextMessage() {
                private Connection connection;

                @Override
                public void onOpen(Connection connection) {
                    this.connection = connection;
                }

                @Override
                public void onMessage(String data) {
                    try {
                        connection.sendMessage(data);
                    } catch (IOException e) {
                        connection.close();
                    }
                }

                @Override
                public void onClose(int code, String message) {
                }
            };
        }
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        SelectChannelConnector connector = new SelectChannelConnector();
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder echo = new ServletHolder(new EchoServlet());
        echo.setInitParameter("minVersion", "-1");
        // Its hixie-76 parser holds a whole text frame in one buffer of this size, and drops
        // the connection on a longer one: room for the tests' 64 KiB message.
        echo.setInitParameter("bufferSize", "131072");
        context.addServlet(echo, "/echo");
        server.setHandler(context);
        server.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        while (System.in.read() >= 0) {
            // the test process holds our input open while it needs us
        }
        server.stop();
    }
}
