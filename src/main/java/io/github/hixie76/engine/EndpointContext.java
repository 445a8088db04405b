package io.github.hixie76.engine;

/**
 * What every connection of one endpoint shares: its limits, its session group, its counters
 * and its timers. Immutable; the parts are thread-safe.
 */
public record EndpointContext(Limits limits, SessionGroup group, Counters counters, Scheduler scheduler) {
}
