package io.github.hixie76.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.DemoServer;
import io.github.hixie76.testing.JettyServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Over wss the server's certificate must name the host of the URL, as an https client checks. */
class TlsHostNameTest {

    private static final char[] PASSWORD = "hixie76".toCharArray();

    @RegisterExtension
    static final JettyServer DEMO = DemoServer.harness().withTls();

    @Test
    void acceptsAHostNameTheCertificateNames() throws Exception {
        // The harness's certificate names 127.0.0.1 and localhost.
        URI uri = URI.create("wss://localhost:" + DEMO.tlsPort() + "/echo");
        Hixie76Client client = DEMO.connect(uri, Hixie76Client.Options.defaults());
        client.send("by name");
        assertEquals("by name", client.awaitMessage(Duration.ofSeconds(5)));
    }

    @Test
    void refusesATrustedCertificateForAnotherHost(@TempDir Path dir) throws Exception {
        KeyStore keys = keyPairFor("example.com", dir.resolve("example.p12"));
        SSLContext server = SSLContext.getInstance("TLS");
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        server.init(keyManagers.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);

        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> acceptOne(listener));
            URI uri = URI.create("wss://127.0.0.1:" + listener.getLocalPort() + "/echo");
            SSLHandshakeException refused = assertThrows(SSLHandshakeException.class,
                    () -> Hixie76Client.connect(uri,
                            Hixie76Client.Options.builder().socketFactory(client.getSocketFactory()).build()));
            assertTrue(refused.getMessage().contains("127.0.0.1"), refused.getMessage());
            handshake.get(10, TimeUnit.SECONDS);
        }
    }

    /** Runs the server side of one TLS handshake; the client is expected to abort it. */
    private static void acceptOne(SSLServerSocket listener) {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            socket.getInputStream().read();
        } catch (IOException e) {
            // the client aborted the handshake, as it should
        }
    }

    /** A PKCS12 key store with a self-signed key pair whose certificate names only {@code host}. */
    private static KeyStore keyPairFor(String host, Path file) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=" + host, "-ext", "SAN=dns:" + host, "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "keytool: " + output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }
}
