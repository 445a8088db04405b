package io.github.hixie76.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * The cluster settings of one endpoint (README, "Running more than one node"). Immutable and
 * thread-safe. Each setting is looked up, first match wins, as the system property
 * {@code hixie76.<name>}, the environment variable {@code HIXIE76_<NAME>} (so an operator sets
 * it without editing the WAR), then the application's own parameter (servlet init-param
 * {@code <name>} or context-param {@code hixie76.<name>}):
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>cluster</td><td>(unset: in-memory)</td><td>{@code redis://[:password@]host:port} or
 *     {@code rediss://...} (TLS); {@code none} forces the in-memory bus</td></tr>
 * <tr><td>clusterPrefix</td><td>hixie76</td><td>first part of the Redis channel names</td></tr>
 * <tr><td>clusterTimeoutMs</td><td>2000</td><td>a publish or PING without an answer for this long has
 *     failed; the link is PINGed every half of it, and replaced when a PING times out</td></tr>
 * <tr><td>clusterMaxPendingBytes</td><td>16777216</td><td>bytes of broadcasts handed to Redis and not
 *     yet answered; beyond it a broadcast is not published (counted as dropped)</td></tr>
 * </table>
 *
 * @param redis the Redis URI, password included (never logged: see {@link #redisForLogs})
 */
public record ClusterConfig(URI redis, String prefix, Duration timeout, long maxPendingBytes) {

    public static final String DEFAULT_PREFIX = "hixie76";

    public ClusterConfig {
        String scheme = redis.getScheme() == null ? "" : redis.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || redis.getHost() == null) {
            throw new IllegalArgumentException("parameter cluster: expected redis://host:port or rediss://host:port, got "
                    + masked(redis));
        }
        if (prefix.isBlank() || timeout.isNegative() || timeout.isZero() || maxPendingBytes <= 0) {
            throw new IllegalArgumentException("cluster: clusterPrefix must not be empty, clusterTimeoutMs and"
                    + " clusterMaxPendingBytes must be > 0");
        }
    }

    /** Defaults for everything but the URI. */
    public static ClusterConfig of(URI redis) {
        return new ClusterConfig(redis, DEFAULT_PREFIX, Duration.ofSeconds(2), 16L << 20);
    }

    /**
     * The settings from {@code parameter} (name to value or null: the application's own
     * parameters), behind the operator's system properties and environment variables; null
     * when no cluster is configured (the in-memory bus).
     */
    public static ClusterConfig from(Function<String, String> parameter) {
        return fromOrdered(operatorFirst(parameter, System::getProperty, System::getenv));
    }

    /** Parses settings already in order of precedence. */
    static ClusterConfig fromOrdered(Function<String, String> setting) {
        String uri = setting.apply("cluster");
        if (uri == null || uri.isBlank() || uri.trim().equalsIgnoreCase("none")) {
            return null;
        }
        URI redis;
        try {
            redis = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("parameter cluster: not a URI (expected redis://host:port)");
        }
        String prefix = setting.apply("clusterPrefix");
        return new ClusterConfig(redis, prefix == null ? DEFAULT_PREFIX : prefix.trim(),
                Duration.ofMillis(number(setting, "clusterTimeoutMs", 2000)),
                number(setting, "clusterMaxPendingBytes", 16L << 20));
    }

    /** The lookup order: system property, environment variable, then the application's parameter. */
    static Function<String, String> operatorFirst(Function<String, String> parameter,
            Function<String, String> properties, Function<String, String> environment) {
        return name -> {
            String value = properties.apply("hixie76." + name);
            if (value == null) {
                value = environment.apply(environmentName(name));
            }
            return value != null ? value : parameter.apply(name);
        };
    }

    /** {@code clusterPrefix} → {@code HIXIE76_CLUSTER_PREFIX}. */
    static String environmentName(String name) {
        return "HIXIE76_" + name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /**
     * The Redis channel of one endpoint: prefix, context path ({@code /} for the root) and
     * endpoint path, so that applications sharing a Redis never hear each other.
     */
    public String channel(String contextPath, String endpointPath) {
        return prefix + ":" + (contextPath.isEmpty() ? "/" : contextPath) + ":" + endpointPath;
    }

    /** The URI without its password, for logs and metrics. */
    public String redisForLogs() {
        return masked(redis);
    }

    private static String masked(URI uri) {
        return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }

    private static long number(Function<String, String> setting, String name, long fallback) {
        String value = setting.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter " + name + ": expected a number, got '" + value.trim() + "'");
        }
    }
}
