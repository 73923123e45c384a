package dev.ssejaxrs.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.test.ClassPathWithout;
import dev.ssejaxrs.test.EverydayApplication;

/**
 * Without pgjdbc, applications that have no change feed work, and building a {@link PostgresChangeFeed} or a registry
 * on PostgreSQL says what to add at once (instead of a thread dying on a {@code NoClassDefFoundError} later).
 */
class WithoutPgjdbcTest {
    private static ClassPathWithout withoutPgjdbc() {
        return ClassPathWithout.dependency("org.postgresql.", "org.postgresql.PGConnection");
    }

    /** Runs without pgjdbc. */
    public static final class Scenario {
        public static void buildAFeed() {
            try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
                PostgresChangeFeed.builder(registry, () -> {
                    throw new java.sql.SQLException("no database in this test");
                });
            }
        }

        public static void openARegistryOnPostgres() {
            new EventRegistry(RegistryOptions.builder().postgres(PostgresOptions.builder(() -> {
                throw new java.sql.SQLException("no database in this test");
            }).build()).build()).close();
        }
    }

    @Test
    void withoutPgjdbc_applicationsWithoutAFeedWork_andBuildingOneSaysWhatToAdd() throws Throwable {
        assertEquals(EverydayApplication.expected(), withoutPgjdbc().run(EverydayApplication.class, "run"));
        Throwable failure = withoutPgjdbc().failure(Scenario.class, "buildAFeed");
        assertEquals(IllegalStateException.class, failure.getClass(), failure.toString());
        assertTrue(failure.getMessage().contains("add org.postgresql:postgresql"), failure.getMessage());
        Throwable registry = withoutPgjdbc().failure(Scenario.class, "openARegistryOnPostgres");
        assertEquals(IllegalStateException.class, registry.getClass(), registry.toString());
        assertTrue(registry.getMessage().contains("add org.postgresql:postgresql"), registry.getMessage());
    }
}
