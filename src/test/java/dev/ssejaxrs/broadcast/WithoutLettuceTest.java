package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

/**
 * Without Redis configured, the registry never touches Lettuce: it works on a class path without
 * {@code io.lettuce}, loaded by a class loader that refuses every Lettuce class.
 */
class WithoutLettuceTest {
    /** Loads this project's classes itself (so they link against it) and refuses Lettuce's. */
    private static final class NoLettuce extends ClassLoader {
        NoLettuce(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.lettuce.")) {
                throw new ClassNotFoundException("no Lettuce here: " + name);
            }
            if (!name.startsWith("dev.ssejaxrs.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }

    /** Runs in the refusing class loader: a memory registry publishes and counts; a Redis one cannot start. */
    public static final class Scenario {
        public static long publishInMemory() {
            try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
                registry.publish("news", dev.ssejaxrs.event.SseEvent.of("x")).toCompletableFuture().join();
                return registry.stats().published();
            }
        }

        public static void startOnRedis() {
            new EventRegistry(RegistryOptions.builder().redis("redis://127.0.0.1:1").build()).close();
        }
    }

    @Test
    void aRegistryWithoutRedis_neverLoadsLettuce_andOneWithRedisNeedsIt() throws Exception {
        Class<?> scenario = Class.forName(Scenario.class.getName(), true, new NoLettuce(getClass().getClassLoader()));
        Method inMemory = scenario.getMethod("publishInMemory");
        assertEquals(1L, inMemory.invoke(null));
        // the refusing loader really refuses: configured for Redis, the registry needs Lettuce
        Method onRedis = scenario.getMethod("startOnRedis");
        Throwable failure = assertThrows(java.lang.reflect.InvocationTargetException.class,
                () -> onRedis.invoke(null)).getCause();
        assertEquals(NoClassDefFoundError.class, failure.getClass(), failure.toString());
    }
}
