package io.github.hixie76.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@link Wscat}'s command line, parsed and checked: every problem is a {@link UsageException}
 * naming the argument. Immutable.
 *
 * @param sslSocketFactory for wss from {@code --cacert} or {@code --insecure}, or null for the JVM's default
 */
record WscatArguments(URI uri, String origin, String subprotocol, boolean verbose, SSLSocketFactory sslSocketFactory,
        boolean help) {

    /** A command line that cannot be run; the message says why. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static WscatArguments parse(String[] args) throws UsageException {
        List<String> urls = new ArrayList<>();
        String origin = null;
        String subprotocol = null;
        boolean verbose = false;
        boolean insecure = false;
        Path cacert = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    return new WscatArguments(null, null, null, false, null, true);
                }
                case "-v", "--verbose" -> verbose = true;
                case "-k", "--insecure" -> insecure = true;
                case "-o", "--origin" -> origin = value(args, ++i, "--origin");
                case "-s", "--subprotocol" -> subprotocol = value(args, ++i, "--subprotocol");
                case "--cacert" -> cacert = Path.of(value(args, ++i, "--cacert"));
                default -> {
                    if (args[i].startsWith("-")) {
                        throw new UsageException("unknown option " + args[i]);
                    }
                    urls.add(args[i]);
                }
            }
        }
        if (urls.size() != 1) {
            throw new UsageException(urls.isEmpty() ? "no URL given" : "one URL expected, got " + urls);
        }
        if (insecure && cacert != null) {
            throw new UsageException("--cacert and --insecure exclude each other");
        }
        SSLSocketFactory ssl = insecure ? trustingAnyone() : cacert != null ? trusting(cacert) : null;
        return new WscatArguments(url(urls.get(0)), origin, subprotocol, verbose, ssl, false);
    }

    private static String value(String[] args, int index, String option) throws UsageException {
        if (index >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static URI url(String text) throws UsageException {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new UsageException("not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new UsageException("expected a ws:// or wss:// URL, got '" + text + "'");
        }
        if (uri.getHost() == null) {
            throw new UsageException("no host in the URL '" + text + "'");
        }
        if (uri.getRawFragment() != null) {
            throw new UsageException("a WebSocket URL has no fragment (#...): '" + text + "'");
        }
        return uri;
    }

    /** Trusts exactly the certificates in a PEM or DER file. */
    private static SSLSocketFactory trusting(Path file) throws UsageException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new UsageException("--cacert: no certificate in " + file);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("cacert-" + n++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return socketFactory(trust.getTrustManagers());
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("--cacert: cannot read a certificate from " + file + ": " + e.getMessage());
        }
    }

    /** --insecure: accepts any certificate for any host name (an X509ExtendedTrustManager, so the JDK adds no host check). */
    private static SSLSocketFactory trustingAnyone() throws UsageException {
        try {
            return socketFactory(new TrustManager[] {new X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }});
        } catch (GeneralSecurityException e) {
            throw new UsageException("--insecure: " + e.getMessage());
        }
    }

    private static SSLSocketFactory socketFactory(TrustManager[] trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust, null);
        return context.getSocketFactory();
    }
}
