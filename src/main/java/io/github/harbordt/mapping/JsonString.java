package io.github.harbordt.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A JSON string value kept as it was read: its literal, quotes and escapes included, decoded only when the text itself
 * is needed. Descriptions are most of a report's bytes and go to Dynatrace unchanged, so they are copied instead of
 * being decoded from the report and encoded again into each event.
 */
public final class JsonString {

    private static final JsonFactory JSON = new JsonFactory();

    private final byte[] literal;
    private String text;

    private JsonString(byte[] literal, String text) {
        this.literal = literal;
        this.text = text;
    }

    /** A text; its literal is written when first asked for. */
    public static JsonString of(String text) {
        return text == null ? null : new JsonString(null, text);
    }

    /**
     * The string literal from {@code start} (its opening quote) to {@code end} (just after its closing quote) in
     * {@code json}, or null when its text is blank, as Harbor's other blank values are absent.
     */
    public static JsonString literal(byte[] json, int start, int end) {
        JsonString s = new JsonString(Arrays.copyOfRange(json, start, end), null);
        // usually the first character settles it; escapes and other characters may still spell only white space,
        // which only the decoded text can tell
        return visible(json, start + 1, end - 1) || !s.text().isBlank() ? s : null;
    }

    /** Whether a printable ASCII character (other characters' bytes are negative) stands outside any escape. */
    private static boolean visible(byte[] json, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = json[i];
            if (b == '\\') {
                // an escape's letters and hex digits are not its character
                i += json[i + 1] == 'u' ? 5 : 1;
            } else if (b > ' ') {
                return true;
            }
        }
        return false;
    }

    /** The literal, quotes and escapes included: valid JSON as it stands. */
    public byte[] literal() {
        if (literal == null) {
            throw new IllegalStateException("no literal kept for a text value");
        }
        return literal;
    }

    public boolean hasLiteral() {
        return literal != null;
    }

    public String text() {
        if (text == null) {
            try (JsonParser p = JSON.createParser(literal)) {
                p.nextToken();
                text = p.getText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonString other && text().equals(other.text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return text();
    }
}
