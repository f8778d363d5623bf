package io.github.harbordt.harbor;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Null-tolerant readers for Harbor JSON, where zero values are omitted and empty arrays may be {@code null}. */
final class Json {

    private Json() {
    }

    /** The text of a field, or null when it is missing, null or blank. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isBlank() ? null : s;
    }

    /** The first present text among the given spellings (Harbor spells some fields differently per endpoint). */
    static String text(JsonNode node, String field, String alternative) {
        String v = text(node, field);
        return v != null ? v : text(node, alternative);
    }

    /** A positive number, or null: Harbor omits or nulls unknown scores and sends 0 for "none". */
    static Double positiveNumber(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isNumber() || v.asDouble() <= 0) {
            return null;
        }
        return v.asDouble();
    }

    /** Non-blank strings of an array field; a missing or {@code null} array and {@code [""]} give an empty list. */
    static List<String> strings(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isArray() || v.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode item : v) {
            if (item.isTextual() && !item.asText().isBlank()) {
                out.add(item.asText());
            }
        }
        return out;
    }
}
