package io.hsip.policygateway.console;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.audit.AuditViews.CheckpointView;
import io.hsip.policygateway.audit.AuditViews.PublicKeyView;
import io.hsip.policygateway.identity.Roles;
import jakarta.annotation.security.RolesAllowed;
import java.util.Optional;

/**
 * The gateway's identity as peers and auditors pin it: PeerID, public key, the latest signed
 * checkpoint and how to verify an export offline. Nothing here is secret; the private key never
 * leaves its file.
 */
@Route("keys")
@PageTitle("Keys · HSIP Policy Gateway")
@RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
public class KeysView extends VerticalLayout {

  private static final long serialVersionUID = 1L;

  KeysView(AuditReader audit) {
    setId("keys-view");
    add(new H2("Gateway keys"));
    PublicKeyView key;
    try {
      key = audit.publicKey();
    } catch (RuntimeException unavailable) {
      add(
          warning(
              "No signing key is loaded, so the gateway denies every consent request and signs no"
                  + " checkpoint. Check the key file configured as identity.signing-key-file (HSIP_SIGNING_KEY_FILE)."));
      return;
    }
    add(
        field("PeerID (the key's fingerprint)", key.peerId(), "key-peer-id"),
        field("Ed25519 public key (hex)", key.publicKeyHex(), "key-public-hex"),
        field("Log origin", key.origin(), "key-origin"));

    add(new H3("Latest signed checkpoint"));
    Optional<CheckpointView> latest = audit.findLatestCheckpoint();
    if (latest.isEmpty()) {
      add(new Paragraph("No checkpoint has been signed yet: the audit log is still empty."));
    } else {
      CheckpointView cp = latest.get();
      add(
          field("Tree size", Long.toString(cp.treeSize()), "checkpoint-size"),
          field("Root hash", cp.rootHash(), "checkpoint-root"),
          field("Signed at", cp.signedAt(), "checkpoint-signed-at"));
      Pre note = new Pre(cp.checkpoint());
      note.setId("checkpoint-note");
      note.addClassName("console-code");
      add(note);
    }

    add(new H3("Verify an export offline"));
    add(
        new Paragraph(
            "Export a time range from the Audit page (or GET /api/v1/audit/export), then on any machine"
                + " with the gateway's CLI, pin the public key above and run:"));
    Pre command = new Pre("bin/hsip audit verify --key " + key.publicKeyHex() + " <bundle.zip>");
    command.addClassName("console-code");
    command.setId("verify-command");
    add(
        command,
        new Paragraph(
            "The verifier checks every entry's leaf hash, the tree against each signed checkpoint, the"
                + " checkpoints' signatures with this key and the consistency between them."));
  }

  private static Div field(String label, String value, String id) {
    Span name = new Span(label);
    name.addClassName("console-field-label");
    Span text = new Span(value);
    text.setId(id);
    text.addClassName("console-field-value");
    Div row = new Div(name, text);
    row.addClassName("console-field");
    return row;
  }

  private static Paragraph warning(String text) {
    Paragraph p = new Paragraph(text);
    p.addClassName("console-warning");
    return p;
  }
}
