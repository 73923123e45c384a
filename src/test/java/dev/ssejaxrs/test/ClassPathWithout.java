package dev.ssejaxrs.test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * The test class path without one optional dependency, for tests that show what the library does when an
 * application lacks it. A class loader loads this project's classes itself (so that they link against it, not
 * against the test class path's copies), refuses every class of the dependency's packages, and hides the resources of
 * its jar (so that a {@code ServiceLoader} does not find it either). Scenarios are static methods of a class of this
 * project, run with the loader as the thread's context class loader:
 *
 * <pre>{@code
 * Throwable failure = ClassPathWithout.dependency("io.lettuce.", "io.lettuce.core.RedisClient")
 *         .failure(Scenario.class, "startOnRedis");       // WithoutLettuceTest
 * }</pre>
 */
public final class ClassPathWithout extends ClassLoader {
    private final List<String> refused;
    private final List<String> ownPackages = new ArrayList<>(List.of("dev.ssejaxrs."));
    private final List<String> hiddenJars = new ArrayList<>();

    private ClassPathWithout(ClassLoader parent, List<String> refused) {
        super(parent);
        this.refused = refused;
    }

    /**
     * The test class path without the classes whose names start with {@code refusedPrefix} and without the jar that
     * holds {@code probeClass} (a class of the dependency, which must be on the test class path).
     */
    public static ClassPathWithout dependency(String refusedPrefix, String probeClass) {
        ClassPathWithout loader = new ClassPathWithout(ClassPathWithout.class.getClassLoader(), List.of(refusedPrefix));
        URL probe = loader.getParent().getResource(probeClass.replace('.', '/') + ".class");
        Objects.requireNonNull(probe, () -> probeClass + " is not on the test class path: nothing to take away");
        String url = probe.toString();
        int inJar = url.indexOf("!/");
        loader.hiddenJars.add(inJar >= 0 ? url.substring(0, inJar + 2) : url.substring(0, url.length()
                - (probeClass.replace('.', '/') + ".class").length()));
        return loader;
    }

    /**
     * Also loads the classes of {@code packagePrefix} itself: for an API that finds its implementation with
     * {@code Class.forName} from its own class (JSON-B's {@code JsonbProvider}), which must then ask this loader.
     */
    public ClassPathWithout loadingItself(String packagePrefix) {
        ownPackages.add(packagePrefix);
        return this;
    }

    /** Runs {@code scenario.method()} (public, static, no parameters) here and returns its result. */
    public Object run(Class<?> scenario, String method) throws Throwable {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(this);
        try {
            return Class.forName(scenario.getName(), true, this).getMethod(method).invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** What {@code scenario.method()} throws here; fails the test when it returns. */
    public Throwable failure(Class<?> scenario, String method) {
        try {
            Object result = run(scenario, method);
            throw new AssertionError(scenario.getSimpleName() + "." + method + " returned " + result
                    + " without " + refused + " instead of failing");
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable e) {
            return e;
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String prefix : refused) {
            if (name.startsWith(prefix)) {
                throw new ClassNotFoundException("not on this class path: " + name);
            }
        }
        if (ownPackages.stream().noneMatch(name::startsWith)) {
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

    @Override
    public URL getResource(String name) {
        Enumeration<URL> all = getResources(name);
        return all.hasMoreElements() ? all.nextElement() : null;
    }

    @Override
    public Enumeration<URL> getResources(String name) {
        List<URL> visible = new ArrayList<>();
        try {
            for (URL url : Collections.list(getParent().getResources(name))) {
                if (hiddenJars.stream().noneMatch(url.toString()::startsWith)) {
                    visible.add(url);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Collections.enumeration(visible);
    }
}
