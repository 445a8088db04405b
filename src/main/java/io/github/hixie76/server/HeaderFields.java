package io.github.hixie76.server;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request's header fields as {@code Handshake.headers()}: lower-case names, each with its
 * values in order; unmodifiable. Every open session keeps one, so it holds the fields as the
 * container gave them, names and values in one array (the containers share the String of a
 * known header name among requests), and makes the map's entries only when they are asked for:
 * a map of lists built up front cost most of what an idle connection of this project's own
 * held on the heap. Immutable and thread-safe.
 */
final class HeaderFields extends AbstractMap<String, List<String>> {

    /** name, value, name, value, …: the names as the container spelled them. */
    private final String[] fields;

    HeaderFields(List<String> namesAndValues) {
        this.fields = namesAndValues.toArray(new String[0]);
    }

    /** The values of a field whose lower-case name is {@code key}; null when there is none. */
    @Override
    public List<String> get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        List<String> values = null;
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name) && lowerCase(fields[i]).equals(name)) {
                if (values == null) {
                    values = new ArrayList<>(1);
                }
                values.add(fields[i + 1]);
            }
        }
        return values == null ? null : Collections.unmodifiableList(values);
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            map.computeIfAbsent(lowerCase(fields[i]), name -> new ArrayList<>(1)).add(fields[i + 1]);
        }
        map.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(map).entrySet();
    }

    private static String lowerCase(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
