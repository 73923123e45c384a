package dev.ssejaxrs.it.webapp.cdi;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** {@code /cdi}: streams fed by CDI beans, and sources that use CDI and JNDI (Jakarta EE servers only). */
@ApplicationPath("cdi")
public class CdiApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(CdiResource.class);
    }
}
