package dev.resnetserve.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Finds the key a presented secret belongs to, comparing digests in constant time. */
final class ApiKeys {

    private final List<ApiKey> keys;
    private final List<byte[]> digests;

    ApiKeys(List<ApiKey> keys) {
        this.keys = List.copyOf(keys);
        this.digests = keys.stream()
                .map(key -> HexFormat.of().parseHex(key.sha256().toLowerCase()))
                .toList();
    }

    Optional<ApiKey> match(String secret) {
        byte[] presented = sha256(secret);
        ApiKey found = null;
        for (int i = 0; i < keys.size(); i++) {
            if (MessageDigest.isEqual(presented, digests.get(i)) && found == null) {
                found = keys.get(i); // no early exit: every key is compared, whichever matches
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
