package dev.ssejaxrs.readme;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.stream.EventStream;

/** The pitfall "open per-stream resources inside the source" of docs/use-cases.md. */
final class OrdersExample {
    private OrdersExample() {
    }

    // README: begin orders
    @Path("/")
    public static class OrdersResource {
        private final DataSource dataSource;

        public OrdersResource(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @GET @Path("orders") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream orders() throws SQLException {
            Connection connection = dataSource.getConnection();           // this stream's own connection
            ResultSet rows = connection.createStatement().executeQuery("select row_to_json(o)::text from orders o");
            Stream<String> orders = Stream.generate(() -> next(rows)).takeWhile(Objects::nonNull);
            return EventStream.of(orders.onClose(() -> close(connection)));   // runs however the stream ends
        }

        private static String next(ResultSet rows) {
            try {
                return rows.next() ? rows.getString(1) : null;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void close(Connection connection) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
    // README: end orders
}
