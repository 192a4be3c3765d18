package io.hsip.policygateway.hsip.keys;

import static io.hsip.policygateway.hsip.HostileInputs.consume;
import static io.hsip.policygateway.hsip.HostileInputs.utf8;

import io.hsip.policygateway.hsip.HostileInputs;
import io.hsip.policygateway.hsip.HostileInputs.Generator;
import io.hsip.policygateway.hsip.HostileInputs.Generators;
import io.hsip.policygateway.hsip.HostileInputs.Target;
import io.hsip.policygateway.hsip.Vectors;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Test;

/**
 * Hostile key files (PEM/PKCS#8 damaged along its DER structure, keystore JSON): only {@link
 * KeyFileException}.
 */
class KeyFilesFuzzTest implements HostileInputs.JsonFormat {

  /**
   * Found by the fuzzer: a PEM with an empty body decodes to zero DER bytes, {@code
   * ASN1Primitive.fromByteArray} returns null, {@code PrivateKeyInfo.getInstance(null)} returns
   * null, and {@code KeyFiles.parsePem} dereferences it: {@link NullPointerException} at {@code
   * info.getPrivateKeyAlgorithm()}.
   */
  @Test
  void regression_keyFilesPemWithEmptyBody() {
    HostileInputs.assertOnlyDeclared(
        List.of(
            utf8("-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----"),
            utf8("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"),
            utf8("-----BEGIN PRIVATE KEY-----\r\n\r\n-----END PRIVATE KEY-----")),
        targets());
  }

  /**
   * Found by the fuzzer: PKCS#8 {@code SEQUENCE {INTEGER 0, SEQUENCE {OID 1.3.101.112}, OCTET
   * STRING (empty)}}. {@code info.parsePrivateKey()} returns null for the empty OCTET STRING,
   * {@code ASN1OctetString.getInstance(null)} returns null, and {@code .getOctets()} throws {@link
   * NullPointerException} in {@code KeyFiles.parsePem}.
   */
  @Test
  void regression_keyFilesPkcs8WithEmptyPrivateKeyOctets() {
    HostileInputs.assertOnlyDeclared(
        List.of(
            Generators.pem(new Random(1), HexFormat.of().parseHex("300c020100300506032b65700400")),
            utf8("-----BEGIN PRIVATE KEY-----\nMAwCAQAwBQYDK2VwBAA=\n-----END PRIVATE KEY-----\n")),
        targets());
  }

  /**
   * Found by the fuzzer (seed 42): {@code KeyFiles.parsePem} requires the text to start with the
   * BEGIN line and end with the END line, then takes {@code substring(27, length - 25)}; when the
   * two lines overlap in their dashes ({@code -----BEGIN PRIVATE KEY-----END PRIVATE KEY-----}) the
   * end index is below the start: {@link StringIndexOutOfBoundsException}.
   */
  @Test
  void regression_keyFilesPemWithOverlappingArmourLines() {
    HostileInputs.assertOnlyDeclared(
        List.of(
            utf8("-----BEGIN PRIVATE KEY-----END PRIVATE KEY-----\n"),
            utf8("-----BEGIN PRIVATE KEY-----END PRIVATE KEY-----")),
        targets());
  }

  /**
   * Found by the fuzzer (seed 42): a v2 PKCS#8 key whose {@code [1] publicKey} BIT STRING has
   * non-zero unused bits; {@code info.getPublicKeyData().getOctets()} in {@code KeyFiles.parsePem}
   * (outside any try) throws {@link IllegalStateException} "attempt to get non-octet aligned data
   * from BIT STRING".
   */
  @Test
  void regression_keyFilesPkcs8PublicKeyBitStringNotOctetAligned() {
    HostileInputs.assertOnlyDeclared(
        List.of(
            utf8(
                """
                -----BEGIN PRIVATE KEY-----
                MDwCAQEwBQYDK2VwBCIEICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9A
                gQwDL4CCaU/BwfwAhrQ=
                -----END PRIVATE KEY-----
                """)),
        targets());
  }

  @Override
  public List<Target> targets() {
    SigningKey requester = Vectors.key("requester");
    SigningKey responder = Vectors.key("responder");
    List<byte[]> jsonSeeds =
        List.of(
            Vectors.utf8("identity.requester.keystore_json_core"),
            Vectors.utf8("identity.responder.hsip_auth_id_auth_json"),
            utf8(KeyFiles.toExportIdJson(requester)),
            utf8(KeyFiles.toAuthIdJson(responder)));
    List<byte[]> derSeeds = List.of(pkcs8(requester, false), pkcs8(responder, true));
    Generator json = Generators.json(jsonSeeds);
    Generator bytes = Generators.bytes(List.of(utf8(KeyFiles.toPem(requester)), jsonSeeds.get(0)));
    Generator generator =
        r ->
            switch (r.nextInt(10)) {
              case 0, 1, 2, 3 ->
                  Generators.pem(r, Generators.mutateDer(r, derSeeds.get(r.nextInt(2))));
              case 4, 5, 6 -> json.next(r);
              default -> bytes.next(r);
            };
    return List.of(
        new Target(
            "KeyFiles.parse+detect",
            generator,
            List.of(KeyFileException.class),
            input -> {
              consume(KeyFiles.detect(input));
              consume(KeyFiles.parse(input).publicKey());
            }));
  }

  /** PKCS#8 DER of a key, v1 (as OpenSSL writes it) or v2 with the public key. */
  private static byte[] pkcs8(SigningKey key, boolean withPublicKey) {
    try {
      AlgorithmIdentifier ed25519 =
          new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.101.112"));
      DEROctetString seed = new DEROctetString(key.exportSeed());
      PrivateKeyInfo info =
          withPublicKey
              ? new PrivateKeyInfo(ed25519, seed, null, key.publicKey().toBytes())
              : new PrivateKeyInfo(ed25519, seed);
      return info.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
