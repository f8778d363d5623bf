package io.github.harbordt.dynatrace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.github.harbordt.mapping.EventFields;
import io.github.harbordt.mapping.JsonString;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * Writes events as the JSON Dynatrace receives, straight from the mappers' fields: no map, no tree, no reflection.
 * The fields all findings of a scan share are written once ({@link #shared}) and copied into each finding's event
 * ({@link #event}). One instance serves one thread at a time: each scan's mapping takes its own.
 */
public final class JsonEvents {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final ByteArrayBuilder out = new ByteArrayBuilder(4096);
    private final JsonGenerator generator;
    private final Fields fields;

    public JsonEvents() {
        try {
            generator = FACTORY.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // events are taken one by one from the buffer: no separator between them
        generator.setRootValueSeparator(null);
        fields = new Fields(generator, out);
    }

    /** No shared members. */
    public static final SerializableString NONE = new SerializedString("");

    /** The members {@code writer} writes, as JSON text ending in a comma, to be placed in front of other members. */
    public SerializableString shared(Consumer<EventFields> writer) {
        byte[] object = event(NONE, writer);
        // {"a":1,"b":2} becomes "a":1,"b":2,
        object[object.length - 1] = ',';
        return new SerializedString(new String(object, 1, object.length - 1, StandardCharsets.UTF_8));
    }

    /** One event: the shared members (from {@link #shared}, or {@link #NONE}) and those {@code writer} writes. */
    public byte[] event(SerializableString shared, Consumer<EventFields> writer) {
        write(() -> {
            generator.writeStartObject();
            // the generator puts no comma before the first member it writes itself: the shared part ends with one
            generator.writeRaw(shared);
            writer.accept(fields);
            generator.writeEndObject();
            generator.flush();
        });
        byte[] event = out.toByteArray();
        out.reset();
        return event;
    }

    /** The mappers' field names, quoted once: a name is written as bytes, not escaped again for every event. */
    private static final ConcurrentMap<String, SerializableString> NAMES = new ConcurrentHashMap<>();

    private static SerializableString name(String key) {
        return NAMES.computeIfAbsent(key, SerializedString::new);
    }

    /** A write to the generator; its buffer is in memory, so an IOException means a bug, not a peer. */
    private interface Write {
        void run() throws IOException;
    }

    private static void write(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Fields(JsonGenerator g, ByteArrayBuilder out) implements EventFields {
        @Override
        public void text(String key, String value) {
            write(() -> {
                g.writeFieldName(name(key));
                g.writeString(value);
            });
        }

        @Override
        public void text(String key, JsonString value) {
            write(() -> {
                g.writeFieldName(name(key));
                if (value.hasLiteral()) {
                    // copied as it was read, no decoding and encoding again: an empty raw value makes the generator
                    // write the colon, then the literal goes to the buffer behind what it has written
                    g.writeRawValue("");
                    g.flush();
                    out.write(value.literal());
                } else {
                    g.writeString(value.text());
                }
            });
        }

        @Override
        public void number(String key, double value) {
            write(() -> {
                g.writeFieldName(name(key));
                g.writeNumber(value);
            });
        }

        @Override
        public void integer(String key, int value) {
            write(() -> {
                g.writeFieldName(name(key));
                g.writeNumber(value);
            });
        }

        @Override
        public void texts(String key, List<String> values) {
            write(() -> {
                g.writeFieldName(name(key));
                g.writeStartArray();
                for (String v : values) {
                    g.writeString(v);
                }
                g.writeEndArray();
            });
        }
    }
}
