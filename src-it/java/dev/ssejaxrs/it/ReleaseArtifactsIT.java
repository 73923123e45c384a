package dev.ssejaxrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What Maven Central asks of a release, checked on every build (the {@code release} profile adds the POM checks as
 * enforcer rules): the main, sources, Javadoc and testing jars, the license, and the POM's metadata.
 */
class ReleaseArtifactsIT {
    private static final String BASE = System.getProperty("it.artifactBase");

    @Test
    void mainJarHoldsTheLibraryAndItsLicenseButNoTestSupport() throws IOException {
        List<String> entries = entries("");
        assertTrue(entries.contains("dev/ssejaxrs/event/SseEvent.class"), "main jar lacks SseEvent");
        assertTrue(entries.contains("META-INF/LICENSE"), "main jar lacks META-INF/LICENSE");
        assertFalse(entries.stream().anyMatch(e -> e.startsWith("dev/ssejaxrs/testing/")),
                "main jar holds the test support");
        assertTrue(entries("-testing").contains("dev/ssejaxrs/testing/EventStreamClient.class"),
                "testing jar lacks EventStreamClient");
    }

    @Test
    void sourcesAndJavadocJarsCoverThePublicApi() throws IOException {
        assertTrue(entries("-sources").contains("dev/ssejaxrs/stream/EventStream.java"), "sources jar incomplete");
        List<String> javadoc = entries("-javadoc");
        assertTrue(javadoc.contains("index.html"), "javadoc jar has no index.html");
        assertTrue(javadoc.contains("dev/ssejaxrs/stream/EventStream.html"), "javadoc jar lacks EventStream");
        assertTrue(javadoc.contains("dev/ssejaxrs/broadcast/EventRegistry.html"), "javadoc jar lacks EventRegistry");
    }

    @Test
    void pomHasTheMetadataCentralRequires() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of(System.getProperty("it.pom")).toFile());
        Element project = pom.getDocumentElement();
        for (String element : List.of("groupId", "artifactId", "version", "name", "description", "url")) {
            assertFalse(text(project, element).isBlank(), "POM lacks <" + element + ">");
        }
        assertEquals("Apache License, Version 2.0", text(child(project, "licenses"), "license/name"));
        assertFalse(text(child(project, "developers"), "developer/name").isBlank(), "POM lacks a developer");
        assertFalse(text(child(project, "scm"), "url").isBlank(), "POM lacks <scm><url>");
        assertFalse(text(child(project, "scm"), "connection").isBlank(), "POM lacks <scm><connection>");
        assertTrue(Files.readString(Path.of(System.getProperty("it.pom")).resolveSibling("LICENSE"))
                .contains("Apache License"), "LICENSE is not the Apache License");
    }

    private static List<String> entries(String classifier) throws IOException {
        Path jar = Path.of(BASE + classifier + ".jar");
        assertTrue(Files.isRegularFile(jar), "missing " + jar);
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(e -> e.getName()).collect(Collectors.toList());
        }
    }

    /** The text of a direct child path like {@code "license/name"}, or "" when absent. */
    private static String text(Element parent, String path) {
        Element at = parent;
        for (String name : path.split("/")) {
            at = at == null ? null : child(at, name);
        }
        return at == null ? "" : at.getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }
}
