package dev.ssejaxrs.broadcast;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.glassfish.jersey.server.ResourceConfig;

import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/** A node serving resumable streams: {@code GET /answers/{id}} resumes, {@code DELETE /answers/{id}} cancels. */
final class ResumableApp implements AutoCloseable {
    final ResumableStreams streams;
    final TestServer server;
    private final Client client = ClientBuilder.newClient();
    private final List<OpenEventStream> opened = new ArrayList<>();

    ResumableApp(ResumableOptions options) {
        streams = new ResumableStreams(options);
        server = TestServer.start(new ResourceConfig().register(new Answers(streams)));
    }

    /** What a producer ended with, and when it left: for tests that stop one. */
    static final class Watched {
        final CountDownLatch left = new CountDownLatch(1);
        final AtomicReference<Throwable> saw = new AtomicReference<>();

        /** {@code producer}, noting what it throws and when it returns. */
        ResumableStreams.Producer around(ResumableStreams.Producer producer) {
            return emitter -> {
                try {
                    return producer.produce(emitter);
                } catch (Exception e) {
                    saw.set(e);
                    throw e;
                } finally {
                    left.countDown();
                }
            };
        }

        /** Whether the producer left within 30 s by an {@link InterruptedException}. */
        boolean interrupted() throws InterruptedException {
            return left.await(30, TimeUnit.SECONDS) && saw.get() instanceof InterruptedException;
        }
    }

    OpenEventStream resume(String id, String lastEventId) {
        OpenEventStream stream = lastEventId == null
                ? EventStreamClient.open(client.target(uri(id)))
                : EventStreamClient.open(client.target(uri(id)), lastEventId);
        opened.add(stream);
        return stream;
    }

    int cancel(String id) {
        try (Response response = client.target(uri(id)).request().delete()) {
            return response.getStatus();
        }
    }

    private String uri(String id) {
        return "http://127.0.0.1:" + server.port + "/answers/" + id;
    }

    @Override
    public void close() {
        opened.forEach(OpenEventStream::close);
        client.close();
        server.close();
        streams.close();
    }

    @Path("answers/{id}")
    public static final class Answers {
        private final ResumableStreams streams;

        Answers(ResumableStreams streams) {
            this.streams = streams;
        }

        @GET
        @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
        public EventStream resume(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String header,
                @QueryParam("lastEventId") String query) {
            return streams.resume(id, header != null ? header : query);
        }

        @DELETE
        public Response cancel(@PathParam("id") String id) {
            return Response.status(streams.cancel(id) ? 204 : 404).build();
        }
    }
}
