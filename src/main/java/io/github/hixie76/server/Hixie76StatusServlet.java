package io.github.hixie76.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The metrics of every hixie-76 endpoint of this application as JSON:
 * {@code {"endpoints":[{"name":..., "openSessions":..., ...}]}}, the same figures JMX shows.
 * Map it where operators, not the public, can reach it. Stateless.
 */
public class Hixie76StatusServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StringBuilder json = new StringBuilder("{\"endpoints\":[");
        for (Map.Entry<String, EndpointMetrics> entry : MetricsRegistry.all(getServletContext()).entrySet()) {
            json.append(json.charAt(json.length() - 1) == '[' ? "" : ",").append(entry.getValue().toJson());
        }
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().print(json.append("]}"));
    }
}
