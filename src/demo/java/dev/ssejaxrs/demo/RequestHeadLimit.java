package dev.ssejaxrs.demo;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * The demo's request-head limit: a request line and headers of up to {@link #BYTES} bytes in all are accepted
 * ({@code /echo} carries whole events in its query string; Grizzly's default is 8 KiB); a longer request line is
 * answered {@code 414}, longer headers {@code 431}, each with a JSON error, instead of Grizzly's bare {@code 400}.
 *
 * <pre>{@code
 * RequestHeadLimit.install(server.getListener("grizzly")); // before server.start()
 * }</pre>
 */
final class RequestHeadLimit implements AddOn {
    /** The largest request head accepted: 64 KiB. */
    static final int BYTES = 64 * 1024;

    private RequestHeadLimit() {
    }

    /** Applies the limit to {@code listener}; call before the server starts. */
    static void install(NetworkListener listener) {
        listener.setMaxHttpHeaderSize(BYTES);
        listener.registerAddOn(new RequestHeadLimit());
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int index = builder.indexOfType(HttpServerFilter.class);
        if (index < 0) {
            throw new IllegalStateException("no HTTP codec in the filter chain of listener " + listener.getName());
        }
        builder.set(index, new AnswerTooLarge(listener));
    }

    /** Grizzly's HTTP codec with the listener's settings, answering 414/431 with a JSON body. */
    private static final class AnswerTooLarge extends HttpServerFilter {
        AnswerTooLarge(NetworkListener listener) {
            super(listener.isChunkingEnabled(), BYTES, null, listener.getKeepAlive(), null,
                    listener.getMaxRequestHeaders(), listener.getMaxResponseHeaders());
        }

        @Override
        protected void onHttpHeaderError(HttpHeader header, FilterChainContext ctx, Throwable t)
                throws java.io.IOException {
            HttpResponsePacket response = ((org.glassfish.grizzly.http.HttpRequestPacket) header).getResponse();
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (message.contains("line is too large")) {
                HttpStatus.REQUEST_URI_TOO_LONG_414.setValues(response);
            } else if (message.contains("too large")) {
                response.setStatus(431);
                response.setReasonPhrase("Request Header Fields Too Large");
            }
            super.onHttpHeaderError(header, ctx, t); // keeps a 4xx status it finds set
        }

        @Override
        protected HttpContent customizeErrorResponse(HttpResponsePacket response) {
            String error = switch (response.getStatus()) {
                case 414 -> "request line too long: the request head may have at most " + BYTES + " bytes";
                case 431 -> "request headers too large: the request head may have at most " + BYTES + " bytes";
                default -> "malformed request";
            };
            byte[] body = JsonErrors.json(Map.of("error", error)).getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json;charset=UTF-8");
            response.setContentLength(body.length);
            return HttpContent.builder(response)
                    .content(Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, body)).last(true).build();
        }
    }
}
