package dev.ssejaxrs.test;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.nio.ChannelConfigurator;
import org.glassfish.grizzly.nio.NIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

import dev.ssejaxrs.stream.SseRuntime;

/** A real Grizzly server on a free loopback port running one Jersey application, for tests. */
public final class TestServer implements AutoCloseable {
    private final HttpServer server;
    private final GrizzlyHttpContainer container;
    public final int port;

    private TestServer(ResourceConfig app, int sendBuffer, int bindPort) throws IOException {
        container = new org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainerProvider()
                .createContainer(GrizzlyHttpContainer.class, app);
        server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:" + bindPort + "/"), container, false,
                null, false);
        if (sendBuffer > 0) {
            // Grizzly only ever raises SO_SNDBUF; lower it on each accepted socket, so that loopback's autotuned
            // megabytes of kernel buffer do not hide a client that stopped reading
            TCPNIOTransport transport = server.getListener("grizzly").getTransport();
            ChannelConfigurator defaults = transport.getChannelConfigurator();
            transport.setChannelConfigurator(new ChannelConfigurator() {
                @Override
                public void preConfigure(NIOTransport t, SelectableChannel channel) throws IOException {
                    defaults.preConfigure(t, channel);
                    if (channel instanceof SocketChannel socket) {
                        socket.socket().setSendBufferSize(sendBuffer);
                    }
                }

                @Override
                public void postConfigure(NIOTransport t, SelectableChannel channel) throws IOException {
                    defaults.postConfigure(t, channel);
                }
            });
            transport.setWriteBufferSize(sendBuffer);
        }
        server.start();
        port = server.getListener("grizzly").getPort();
    }

    public static TestServer start(ResourceConfig app) {
        return start(app, 0);
    }

    /** A server whose sockets have a small send buffer, so that a client that does not read blocks it soon. */
    public static TestServer start(ResourceConfig app, int sendBuffer) {
        try {
            return new TestServer(app, sendBuffer, 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server on {@code port} (one a stopped test server used: to test what a restart does). */
    public static TestServer startOn(int port, ResourceConfig app) {
        try {
            return new TestServer(app, 0, port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestServer start(Object... resources) {
        ResourceConfig app = new ResourceConfig();
        for (Object r : resources) {
            if (r instanceof Class<?> c) {
                app.register(c);
            } else {
                app.register(r);
            }
        }
        return start(app);
    }

    /** The application's event-stream runtime. */
    public SseRuntime runtime() {
        return container.getApplicationHandler().getInjectionManager().getInstance(SseRuntime.class);
    }

    /** What the application injects for {@code type} (its {@code EventRegistry}, say). */
    public <T> T injected(Class<T> type) {
        return container.getApplicationHandler().getInjectionManager().getInstance(type);
    }

    public RawClient get(String pathAndQuery, String... headerLines) {
        return RawClient.get(port, pathAndQuery, headerLines);
    }

    public HttpServer server() {
        return server;
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
