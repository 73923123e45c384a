package dev.ssejaxrs.internal.grizzly;

import java.lang.reflect.Field;
import java.util.List;

import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.util.CharChunk;
import org.glassfish.grizzly.http.util.Parameters;

/**
 * Gives back the scratch space Grizzly gives every request for decoding its query and form parameters: two
 * 1,024-character buffers (4 KB), a fifth of what an idle stream's request and response hold. A streaming request
 * decodes no parameters any more (Jersey reads the query from the request URI, and it is done with the request once
 * the stream runs), so the buffers are dropped then; Grizzly allocates them again if the request object, which it
 * reuses, ever decodes parameters after this (its {@code CharChunk} allocates on demand).
 *
 * <p>The buffers sit in package-private fields of Grizzly's {@link Parameters}; where they cannot be reached (another
 * Grizzly, or a module system that closes the package) this does nothing.
 */
final class ParameterScratch {
    private static final System.Logger LOG = System.getLogger(ParameterScratch.class.getName());
    /** Found once; immutable. */
    private static final List<Field> BUFFERS = find("tmpNameC", "tmpValueC");

    private ParameterScratch() {
    }

    /** Drops the parameter buffers of {@code request}; call only once nothing reads its parameters any more. */
    static void release(Request request) {
        for (Field buffer : BUFFERS) {
            try {
                ((CharChunk) buffer.get(request.getParameters())).reset();
            } catch (IllegalAccessException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "the parameter buffers of a Grizzly request stay", e);
                return;
            }
        }
    }

    private static List<Field> find(String... names) {
        try {
            Field[] fields = new Field[names.length];
            for (int i = 0; i < names.length; i++) {
                fields[i] = Parameters.class.getDeclaredField(names[i]);
                if (fields[i].getType() != CharChunk.class) {
                    return List.of();
                }
                fields[i].setAccessible(true);
            }
            return List.of(fields);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Grizzly's parameter buffers are out of reach; idle streams keep them", e);
            return List.of();
        }
    }
}
