package io.github.harbordt.mapping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the mappers write an event's fields: into a map ({@link #map()}: the tests, the Kamelets, the floor), or
 * straight into JSON on the delivery path. The mappers decide what is written; the writer only how.
 */
public interface EventFields {

    void text(String key, String value);

    /** A string as read from Harbor; written as its literal where it has one. */
    void text(String key, JsonString value);

    void number(String key, double value);

    void integer(String key, int value);

    void texts(String key, List<String> values);

    /** Fields collected into an ordered map. */
    static MapFields map() {
        return new MapFields();
    }

    final class MapFields implements EventFields {
        private final Map<String, Object> fields = new LinkedHashMap<>(64);

        @Override
        public void text(String key, String value) {
            fields.put(key, value);
        }

        @Override
        public void text(String key, JsonString value) {
            fields.put(key, value.text());
        }

        @Override
        public void number(String key, double value) {
            fields.put(key, value);
        }

        @Override
        public void integer(String key, int value) {
            fields.put(key, value);
        }

        @Override
        public void texts(String key, List<String> values) {
            fields.put(key, values);
        }

        public Map<String, Object> fields() {
            return fields;
        }
    }
}
