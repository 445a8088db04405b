package io.github.hixie76.server;

import jakarta.servlet.ServletContext;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Where an application's endpoint metrics are found: a context attribute (a sorted concurrent
 * map by endpoint name, read by {@link Hixie76StatusServlet}) and the platform MBean server
 * ({@code io.github.hixie76:type=Endpoint,context=...,name=...}). Thread-safe.
 */
final class MetricsRegistry {

    /** Context attribute: the metrics of the application's endpoints, by name. */
    static final String ATTRIBUTE = "io.github.hixie76.metrics";

    private static final System.Logger LOG = System.getLogger(MetricsRegistry.class.getName());

    private final ServletContext context;
    private final EndpointMetrics metrics;
    private final ObjectName jmxName;

    private MetricsRegistry(ServletContext context, EndpointMetrics metrics, ObjectName jmxName) {
        this.context = context;
        this.metrics = metrics;
        this.jmxName = jmxName;
    }

    /** Publishes an endpoint's metrics in both places; {@link #withdraw} takes them back. */
    static MetricsRegistry publish(ServletContext context, EndpointMetrics metrics) {
        all(context).put(metrics.name(), metrics);
        return new MetricsRegistry(context, metrics, registerMBean(context, metrics));
    }

    void withdraw() {
        all(context).remove(metrics.name(), metrics);
        if (jmxName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(jmxName);
            } catch (JMException e) {
                LOG.log(Level.DEBUG, "unregistering " + jmxName, e);
            }
        }
    }

    /** The metrics of the application's endpoints, by name. */
    static Map<String, EndpointMetrics> all(ServletContext context) {
        return ContextMaps.get(context, ATTRIBUTE);
    }

    private static ObjectName registerMBean(ServletContext context, EndpointMetrics metrics) {
        try {
            String path = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
            ObjectName name = new ObjectName("io.github.hixie76:type=Endpoint,context=" + ObjectName.quote(path)
                    + ",name=" + ObjectName.quote(metrics.name()));
            ManagementFactory.getPlatformMBeanServer().registerMBean(metrics, name);
            return name;
        } catch (JMException e) {
            LOG.log(Level.WARNING, "{0}: its metrics are not in JMX: {1}", metrics.name(), e.toString());
            return null;
        }
    }
}
