package dev.ssejaxrs.broadcast;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.internal.jersey.InvalidAddressMapper;

/**
 * {@link ResumableStreams#start} refused a stream because a limit of its {@link ResumableOptions} is reached. Left to
 * leave a resource method, it answers 429 with {@code Retry-After} and the reason as JSON
 * ({@code {"error": "..."}}).
 */
public final class ResumableLimitException extends WebApplicationException {
    private static final long serialVersionUID = 1L;
    private static final int TOO_MANY_REQUESTS = 429;
    /** The option whose limit is reached. */
    private final String limit;

    ResumableLimitException(String limit, String reason) {
        super(reason, Response.status(TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, "10")
                .type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                .entity(InvalidAddressMapper.errorJson(reason)).build());
        this.limit = limit;
    }

    /**
     * The option whose limit is reached, as {@link ResumableOptions.Builder} names it ({@code maxLiveStreams}).
     *
     * @return the option's name
     */
    public String limit() {
        return limit;
    }
}
