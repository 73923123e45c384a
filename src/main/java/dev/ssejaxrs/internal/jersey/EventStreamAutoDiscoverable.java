package dev.ssejaxrs.internal.jersey;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.jersey.internal.spi.AutoDiscoverable;
import org.glassfish.jersey.internal.util.ReflectionHelper;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.wadl.internal.WadlApplicationContextImpl;

import dev.ssejaxrs.stream.EventStreamFeature;

/**
 * Registers {@link EventStreamFeature} in every Jersey application that has this jar on its class path; found by Jersey
 * through {@code META-INF/services}. Not for direct use.
 */
@Priority(AutoDiscoverable.DEFAULT_PRIORITY)
public final class EventStreamAutoDiscoverable implements AutoDiscoverable {

    @Override
    public void configure(FeatureContext context) {
        if (!context.getConfiguration().isRegistered(EventStreamFeature.class)) {
            context.register(EventStreamFeature.class);
        }
        quietWadl(context);
    }

    /**
     * Jersey's WADL needs a JAXB implementation. Without one, Jersey leaves WADL off anyway but warns at every start
     * ("WADL feature is disabled"), which newcomers read as an error; saying up front that it is off keeps the start
     * quiet and changes nothing else. An application that sets the property itself keeps its choice.
     */
    private static void quietWadl(FeatureContext context) {
        if (context.getConfiguration().getProperty(ServerProperties.WADL_FEATURE_DISABLE) == null
                && !jaxbImplementationPresent()) {
            context.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        }
    }

    private static boolean jaxbImplementationPresent() {
        try {
            return ReflectionHelper.isJaxbAvailable() && ReflectionHelper.isXmlTransformAvailable()
                    && WadlApplicationContextImpl.isJaxbImplAvailable();
        } catch (LinkageError e) {
            return true; // cannot tell (Jersey's internals not visible): leave WADL to Jersey
        }
    }
}
