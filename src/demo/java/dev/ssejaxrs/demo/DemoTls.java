package dev.ssejaxrs.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.glassfish.grizzly.ssl.SSLEngineConfigurator;

/**
 * The demo's TLS: a key store with the server's certificate, either one the user names ({@code --tls-keystore FILE
 * --tls-password P}) or a self-signed one for {@code localhost} and {@code 127.0.0.1} made at start with the JDK's
 * {@code keytool}. Gives Grizzly its server-side TLS settings, and gives a client an {@link SSLContext} that trusts
 * exactly this certificate (for tests: no trust-all).
 */
public final class DemoTls {
    private static final long KEYTOOL_LIMIT_SECONDS = 60;

    private final KeyStore keyStore;
    private final char[] password;
    private final boolean selfSigned;

    private DemoTls(KeyStore keyStore, char[] password, boolean selfSigned) {
        this.keyStore = keyStore;
        this.password = password;
        this.selfSigned = selfSigned;
    }

    /** A new self-signed certificate for {@code localhost} and {@code 127.0.0.1}, valid for 30 days. */
    public static DemoTls selfSigned() throws IOException {
        char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
        Path dir = Files.createTempDirectory("sse-jaxrs-tls");
        Path file = dir.resolve("demo.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "demo", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass",
                new String(password), "-keypass", new String(password), "-noprompt")
                .redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(KEYTOOL_LIMIT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool could not make a self-signed certificate: " + output.strip());
            }
            return new DemoTls(load(file, password), password, true);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a self-signed certificate", e);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** The key store at {@code file} (PKCS12 or JKS) opened with {@code password}; it must hold one key. */
    public static DemoTls fromKeyStore(Path file, String password) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("--tls-keystore must name a readable key store file: " + file);
        }
        if (password == null) {
            throw new IllegalArgumentException("--tls-password is required with --tls-keystore");
        }
        return new DemoTls(load(file, password.toCharArray()), password.toCharArray(), false);
    }

    private static KeyStore load(Path file, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType()); // PKCS12, which also reads JKS
            store.load(in, password);
            List<String> keys = java.util.Collections.list(store.aliases()).stream()
                    .filter(alias -> isKey(store, alias)).toList();
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("--tls-keystore holds no private key: " + file);
            }
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key store " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Writes the key store to {@code file} as PKCS12 (for a server that reads a file, such as Tomcat). */
    public void saveTo(Path file) throws IOException {
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            KeyStore copy = KeyStore.getInstance("PKCS12");
            copy.load(null, null);
            for (String alias : java.util.Collections.list(keyStore.aliases())) {
                copy.setEntry(alias, keyStore.getEntry(alias, new KeyStore.PasswordProtection(password)),
                        new KeyStore.PasswordProtection(password));
            }
            copy.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the key store: " + e.getMessage(), e);
        }
    }

    /** The key store's password (made at random for a self-signed one). */
    public String password() {
        return new String(password);
    }

    /** Whether the certificate was made at start (browsers warn about it). */
    public boolean isSelfSigned() {
        return selfSigned;
    }

    /** The server side: Grizzly's TLS settings with this key (no client certificates). */
    public SSLEngineConfigurator serverConfigurator() throws IOException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new SSLEngineConfigurator(context, false, false, false);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key store: " + e.getMessage(), e);
        }
    }

    /** A client context that trusts this server's certificate, and only it. */
    public SSLContext clientContext() throws IOException {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key store: " + e.getMessage(), e);
        }
    }
}
