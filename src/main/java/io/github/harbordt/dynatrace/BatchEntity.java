package io.github.harbordt.dynatrace;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A batch as an HTTP request body: written straight from the events' bytes to the connection, with its exact
 * length, instead of being copied into one large array first (batches are up to 10 MB each).
 */
final class BatchEntity extends AbstractHttpEntity {

    private static final ContentType JSON = ContentType.APPLICATION_JSON.withCharset("UTF-8");

    private final Batch batch;

    BatchEntity(Batch batch) {
        super(JSON, null);
        this.batch = batch;
    }

    @Override
    public long getContentLength() {
        return batch.bytes();
    }

    @Override
    public InputStream getContent() {
        return new ByteArrayInputStream(batch.toJsonArray());
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        batch.writeTo(out);
    }

    @Override
    public boolean isRepeatable() {
        return true;
    }

    @Override
    public boolean isStreaming() {
        return false;
    }

    @Override
    public void close() {
        // nothing held open
    }
}
