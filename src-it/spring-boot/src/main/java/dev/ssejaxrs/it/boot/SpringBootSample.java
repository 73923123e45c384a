package dev.ssejaxrs.it.boot;

import org.glassfish.jersey.server.ResourceConfig;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application on {@code spring-boot-starter-jersey}, as a user writes one: Boot's {@link ResourceConfig}
 * bean registers only the resource; sse-jaxrs comes in through Jersey's auto-discovery. Started by
 * {@code SpringBootIT} as a JVM of its own, with {@code server.shutdown=graceful}.
 */
@SpringBootApplication
public class SpringBootSample {

    /** Boot's Jersey configuration: the resource, nothing from sse-jaxrs. */
    @Bean
    ResourceConfig jersey() {
        return new ResourceConfig(BootResource.class);
    }

    public static void main(String[] args) {
        SpringApplication.run(SpringBootSample.class, args);
    }
}
