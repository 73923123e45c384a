package dev.ssejaxrs.internal.core;

/** Whether an optional class is visible to the library: the support classes of a container load only then. */
public final class ClassPresence {
    private ClassPresence() {
    }

    /** Whether {@code className} can be loaded by the library's class loader (it is not initialised). */
    public static boolean present(String className) {
        try {
            Class.forName(className, false, ClassPresence.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
