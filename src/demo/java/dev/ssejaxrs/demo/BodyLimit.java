package dev.ssejaxrs.demo;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses request bodies over {@value #MAX_BYTES} bytes with 413: at once when {@code Content-Length} says so,
 * else as soon as a chunked body goes past the limit while it is read.
 */
@Provider
@PreMatching
final class BodyLimit implements ContainerRequestFilter {
    static final int MAX_BYTES = 1 << 20;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > MAX_BYTES) {
            throw tooLarge();
        }
        request.setEntityStream(new Limited(request.getEntityStream()));
    }

    private static WebApplicationException tooLarge() {
        return new WebApplicationException("body must not be larger than " + MAX_BYTES + " bytes (1 MiB)",
                Response.Status.REQUEST_ENTITY_TOO_LARGE);
    }

    /** Counts what is read and fails past the limit. */
    private static final class Limited extends FilterInputStream {
        private long count;

        Limited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > MAX_BYTES) {
                throw tooLarge();
            }
        }
    }
}
