package dev.ssejaxrs.demo;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.ssejaxrs.broadcast.Caller;

/**
 * The demo's signed bearer tokens (JWT, HS256, with Nimbus JOSE + JWT): {@code POST /tokens} issues one, and
 * {@code GET /me/events} takes the caller from it, with the token's {@code exp} as the caller's expiry, so the
 * registry ends the stream when the token expires. The key is made at random when the demo starts: tokens are good
 * on the node that issued them, until it restarts. The library verifies no token: this is the application's part.
 * Thread-safe.
 */
final class DemoTokens {
    private static final String ISSUER = "sse-jaxrs-demo";
    private final byte[] key = new byte[32];
    private final MACSigner signer;
    private final MACVerifier verifier;

    DemoTokens() {
        new SecureRandom().nextBytes(key);
        try {
            signer = new MACSigner(key);
            verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make the demo's token key", e);
        }
    }

    /** A token naming {@code user}, good for {@code lifetime}. */
    String issue(String user, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(user).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime))).build();
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            token.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a demo token", e);
        }
        return token.serialize();
    }

    /**
     * The caller a bearer token stands for, with the token's expiry: 401 with {@code WWW-Authenticate} when the
     * token is missing, malformed, not signed by this demo or without {@code sub} and {@code exp}.
     */
    Caller caller(String token) {
        if (token == null || token.isEmpty()) {
            throw unauthorized(null, "a bearer token is required: POST /tokens makes one");
        }
        // README: begin bearer-jwt
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw unauthorized("invalid_token", "the bearer token is not a JWT");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !verified(jwt)) {
            throw unauthorized("invalid_token", "the bearer token's signature is not valid");
        }
        if (claims.getSubject() == null || claims.getExpirationTime() == null) {
            throw unauthorized("invalid_token", "the bearer token must name its subject (sub) and expiry (exp)");
        }
        // the registry ends the stream at exp, after event: credentials-expired (and refuses it once expired)
        return Caller.of(claims.getSubject(), Set.of()).withExpiry(claims.getExpirationTime().toInstant());
        // README: end bearer-jwt
    }

    private boolean verified(SignedJWT jwt) {
        try {
            return jwt.verify(verifier);
        } catch (JOSEException e) {
            return false;
        }
    }

    /** RFC 6750, section 3: the challenge, with the error code when a token was given. */
    private static NotAuthorizedException unauthorized(String error, String reason) {
        String challenge = error == null ? "Bearer realm=\"" + ISSUER + "\""
                : "Bearer realm=\"" + ISSUER + "\", error=\"" + error + "\"";
        return new NotAuthorizedException(reason, Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge).build());
    }
}
