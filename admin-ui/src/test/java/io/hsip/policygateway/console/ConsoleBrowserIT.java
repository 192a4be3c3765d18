package io.hsip.policygateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.hsip.policygateway.gateway.DecisionFixture;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import io.hsip.policygateway.it.GatewayProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console end to end, as a user meets it: the packaged jar, the project's real Keycloak and
 * Debian's headless Chromium, signing in on Keycloak's own login page. Screenshots of each main
 * view land in target/console-screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private GatewayProcess gateway;
  private Playwright playwright;
  private Browser browser;
  private String base;
  private int udpPort;
  private final String set = "console-" + UUID.randomUUID().toString().substring(0, 8);
  private Ed25519PublicKey listener;

  @BeforeAll
  void start() throws Exception {
    Keycloak.requireRunning();
    Keycloak.required("HSIP_OIDC_CONSOLE_SECRET");
    // Keycloak's console client accepts redirects to a few fixed ports only; 8089 is the browser
    // tests' own (8081 may be taken by the Quarkus integration-test launcher of other ITs).
    int port = Integer.parseInt(System.getenv().getOrDefault("HSIP_CONSOLE_IT_PORT", "8089"));
    String realm = Keycloak.realmUrl();
    Map<String, String> oidc =
        Map.of(
            "quarkus.oidc.auth-server-url",
            realm,
            "quarkus.oidc.client-id",
            "hsip-gateway",
            "quarkus.oidc.token.audience",
            "hsip-gateway",
            "quarkus.oidc.console.auth-server-url",
            realm);
    udpPort = GatewayProcess.freeUdpPort();
    Path listenerKey = Path.of("target", "console-it-listener.pem");
    listener = GatewayProcess.newListenerKey(listenerKey);
    gateway =
        GatewayProcess.start(
            "console",
            oidc,
            Map.of(
                "policy.live-set",
                set,
                "gateway.listeners.main.port",
                Integer.toString(udpPort),
                "gateway.listeners.main.key-file",
                listenerKey.toAbsolutePath().toString(),
                // The dashboard's figures arrive within a second instead of five.
                "gateway.stats.flush-interval",
                "1s",
                // Entries are signed into checkpoints as in production (the test profile leaves
                // that to each test).
                "audit.integration.enabled",
                "true"),
            port);
    base = "http://localhost:" + port;
    Files.createDirectories(SCREENSHOTS);
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(Path.of(chromium()))
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync")));
  }

  private static String chromium() {
    String configured = System.getenv("HSIP_CHROMIUM");
    return configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured;
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void anonymousIsSentToKeycloaksLoginWithPkce() {
    try (BrowserContext context = browser.newContext()) {
      Page page = context.newPage();
      page.navigate(base + "/keys");
      page.waitForSelector("#kc-login");
      assertThat(page.url())
          .startsWith(Keycloak.realmUrl() + "/protocol/openid-connect/auth")
          .contains("client_id=hsip-console")
          .contains("code_challenge=")
          .contains("code_challenge_method=S256");
    }
  }

  @Test
  void adminSeesDashboardAndKeysThenSignsOutEverywhere() throws Exception {
    // Two requests over UDP that no policy allows: both denied.
    for (int i = 0; i < 2; i++) {
      assertThat(exchange().decision()).isEqualTo(ConsentDecision.DENY);
    }
    try (BrowserContext context = browser.newContext()) {
      Page page = signIn(context, "admin", "admin");
      page.waitForSelector("#dashboard-view");
      assertThat(page.url()).isEqualTo(base + "/dashboard");
      assertThat(page.textContent("#console-user")).isEqualTo("admin");
      assertThat(page.textContent("#console-role")).isEqualTo("hsip-admin");
      // This replica reports itself within a flush interval, with the policy it has live.
      page.waitForSelector(
          "#dashboard-replicas vaadin-grid-cell-content:has-text('gateway')",
          new Page.WaitForSelectorOptions().setTimeout(15_000));
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(SCREENSHOTS.resolve("dashboard-admin.png"))
              .setFullPage(true));
      // Live: new decisions appear without a reload (server push after the next stats flush).
      long denied = Long.parseLong(page.textContent("#dashboard-denied").strip());
      for (int i = 0; i < 3; i++) {
        assertThat(exchange().decision()).isEqualTo(ConsentDecision.DENY);
      }
      page.waitForFunction(
          "n => Number(document.querySelector('#dashboard-denied').textContent) >= n",
          (int) denied + 3,
          new Page.WaitForFunctionOptions().setTimeout(20_000));

      page.click("vaadin-side-nav-item:has-text('Keys')");
      page.waitForSelector("#keys-view");
      String peerId = JSON.readTree(gateway.get("/api/v1/identity").body()).get("peer_id").asText();
      assertThat(page.textContent("#key-peer-id")).isEqualTo(peerId);
      assertThat(page.textContent("#verify-command")).contains("hsip audit verify --key ");
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(SCREENSHOTS.resolve("keys-admin.png"))
              .setFullPage(true));

      page.click("#sign-out");
      page.waitForSelector("#signed-out");
      assertThat(page.url()).startsWith(base + "/signed-out.html");
      // The single sign-on session ended too: the console asks for a password again.
      page.navigate(base + "/dashboard");
      page.waitForSelector("#kc-login");
      assertThat(page.url()).startsWith(Keycloak.realmUrl());
    }
  }

  @Test
  void adminWritesADraftFixesItSimulatesAndPublishesWhatUdpThenEnforces() throws Exception {
    String broken = policy("permit");
    try (BrowserContext context = browser.newContext()) {
      Page page = signIn(context, "admin", "admin");
      page.navigate(base + "/policies");
      page.waitForSelector("#policies-view");

      // An error is shown at its line and nothing is saved.
      page.locator("#draft-yaml textarea").fill(broken);
      page.click("#draft-save");
      page.waitForSelector("#draft-findings li");
      assertThat(page.textContent("#draft-status")).startsWith("Not saved");
      assertThat(page.textContent("#draft-findings")).contains("Line 8, column");
      page.locator("#draft-findings").scrollIntoViewIfNeeded();
      page.screenshot(
          new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("policies-error-admin.png")));

      page.locator("#draft-yaml textarea").fill(policy("allow"));
      page.click("#draft-save");
      page.waitForSelector("#draft-status:has-text('Saved')");

      // Simulate an external requester against the saved draft.
      page.locator("#sim-kind").click();
      page.locator("vaadin-select-item:has-text('external')").click();
      page.locator("#sim-purpose input").fill("console.chat");
      page.click("#sim-run");
      page.waitForSelector("#sim-result:has-text('ALLOW')");

      page.click("#draft-publish");
      page.locator(
              "vaadin-confirm-dialog-overlay vaadin-button:has-text('Publish'), [slot='confirm-button']:has-text('Publish')")
          .first()
          .click();
      page.waitForSelector("#draft-status:has-text('is in force')");
      assertThat(page.textContent("#draft-status")).contains(set + " v1");
      // This replica picks the new version up within a second (LISTEN/NOTIFY): the page says so.
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!page.textContent("#policies-live").contains(set + " v1")
          && System.nanoTime() < until) {
        page.waitForTimeout(200);
        page.navigate(base + "/policies");
        page.waitForSelector("#policies-live");
      }
      assertThat(page.textContent("#policies-live")).contains(set + " v1");
      page.screenshot(
          new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("policies-admin.png")));
    }
    // The published version decides UDP traffic: the same purpose that was denied is now allowed.
    ConsentDecision decision = ConsentDecision.DENY;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (decision != ConsentDecision.ALLOW && System.nanoTime() < deadline) {
      decision = exchange("console.chat").decision();
    }
    assertThat(decision).isEqualTo(ConsentDecision.ALLOW);
  }

  /**
   * A policy for the set under test, allowing external requesters to console.chat; line 8 is the
   * effect.
   */
  private String policy(String effect) {
    return String.join(
        "\n",
        "schema: hsip.io/policy/v1",
        "policy_set: " + set,
        "max_ttl: 1h",
        "timezone: UTC",
        "groups: []",
        "rules:",
        "  - id: allow-console-chat",
        "    effect: " + effect,
        "    requester:",
        "      kind: external",
        "    purpose:",
        "      exact: [console.chat]",
        "");
  }

  @Test
  void viewerSeesTheDashboardOnly() {
    try (BrowserContext context = browser.newContext()) {
      Page page = signIn(context, "viewer", "viewer");
      page.waitForSelector("#dashboard-view");
      assertThat(page.textContent("#console-role")).isEqualTo("hsip-viewer");
      assertThat(page.locator("vaadin-side-nav-item").allTextContents())
          .extracting(String::strip)
          .containsExactly("Dashboard");
      page.navigate(base + "/keys");
      page.waitForSelector("#access-denied");
      assertThat(page.locator("#keys-view").count()).isZero();
      page.screenshot(
          new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("access-denied-viewer.png")));
    }
  }

  @Test
  void auditorSearchesVerifiesAnEntryAndExportsABundleTheVerifierAccepts() throws Exception {
    // Something to find: a decision, integrated into a signed checkpoint.
    assertThat(exchange().decision()).isEqualTo(ConsentDecision.DENY);
    awaitNewestEntryIntegrated();
    try (BrowserContext context =
        browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true))) {
      Page page = signIn(context, "auditor", "auditor");
      page.waitForSelector("#dashboard-view");
      assertThat(page.locator("vaadin-side-nav-item").allTextContents())
          .extracting(String::strip)
          .containsExactly("Dashboard", "Policies", "Audit", "Directory", "Keys");

      page.click("vaadin-side-nav-item:has-text('Audit')");
      page.waitForSelector("#audit-view");
      page.locator("#audit-kind").click();
      page.locator("vaadin-select-item:has-text('decision')").click();
      page.click("#audit-search");
      page.waitForSelector("#audit-grid vaadin-grid-cell-content:has-text('consent.decide')");
      page.screenshot(
          new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("audit-auditor.png")));

      // The newest integrated decision: open it and let the server prove its inclusion.
      page.locator("#audit-grid vaadin-grid-cell-content:has-text('consent.decide')")
          .first()
          .click();
      page.waitForSelector("#audit-entry-json");
      page.click("#audit-verify");
      page.waitForSelector("#audit-inclusion-verdict");
      assertThat(page.textContent("#audit-inclusion-verdict")).startsWith("Verified: entry ");
      assertThat(page.textContent("#audit-inclusion-proof")).contains("signature checked");
      page.screenshot(
          new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("audit-inclusion-auditor.png")));
      page.keyboard().press("Escape");

      // No way to change anything: no erasure for auditors, and the server refuses it anyway.
      assertThat(page.locator("#erase-subject").count()).isZero();
      String auditorToken = Keycloak.userToken("auditor", "auditor");
      assertThat(
              api("DELETE", "/api/v1/audit/subjects/AAAAAAAAAAAAAAAAAAAAAAAAAA", auditorToken)
                  .statusCode())
          .isEqualTo(403);

      // The bundle the console hands out verifies offline against the pinned gateway key.
      Download download = page.waitForDownload(() -> page.click("#export-bundle"));
      Path bundle = Path.of("target", "console-it-bundle.zip");
      download.saveAs(bundle);
      String key =
          JSON.readTree(gateway.get("/api/v1/identity").body()).get("public_key_hex").asText();
      Run verify = hsip("audit", "verify", "--key", key, bundle.toString());
      assertThat(verify.exit()).as(verify.output()).isZero();

      page.navigate(base + "/keys");
      page.waitForSelector("#keys-view");
      assertThat(page.locator("#keys-view vaadin-button").count()).isZero();
    }
  }

  @Test
  void adminAddsAGroupAndAMemberInTheDirectoryAndAuditorsOnlyReadIt() {
    String group = "console-" + set.substring(set.length() - 6);
    String member = "Member of " + group;
    try (BrowserContext context = browser.newContext()) {
      Page page = signIn(context, "admin", "admin");
      page.click("vaadin-side-nav-item:has-text('Directory')");
      page.waitForSelector("#directory-view");

      page.click("vaadin-tab:has-text('Groups')");
      page.click("#groups-add");
      page.locator("#group-name input").fill(group);
      page.locator("#group-description input").fill("Made in the browser test");
      page.click("#group-save");
      page.waitForSelector("#groups-grid vaadin-grid-cell-content:has-text('" + group + "')");

      page.click("vaadin-tab:has-text('Members')");
      page.click("#members-add");
      page.locator("#member-peer-id input").fill("not a peer id");
      page.locator("#member-name input").fill(member);
      page.locator("#member-groups input").fill(group);
      page.click("#member-save");
      // Refused with the reason, in the dialog, and nothing stored; then corrected.
      page.waitForSelector("#member-dialog-violations li");
      assertThat(page.textContent("#member-dialog-status")).startsWith("Not saved");
      page.locator("#member-peer-id input").fill(peerIdOfAFreshKey());
      page.click("#member-save");
      page.locator("#members-search input").fill(member);
      page.click("#members-search-run");
      page.waitForSelector("#members-grid vaadin-grid-cell-content:has-text('" + member + "')");
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(SCREENSHOTS.resolve("directory-admin.png"))
              .setFullPage(true));
    }
    try (BrowserContext context = browser.newContext()) {
      Page page = signIn(context, "auditor", "auditor");
      page.navigate(base + "/directory");
      page.waitForSelector("#members-grid vaadin-grid-cell-content:has-text('" + member + "')");
      for (String control :
          List.of("#members-add", "#services-add", "#groups-add", "#directory-import")) {
        assertThat(page.locator(control).count()).as(control).isZero();
      }
      assertThat(page.locator("#directory-export-yaml").count()).isEqualTo(1);
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(SCREENSHOTS.resolve("directory-auditor.png"))
              .setFullPage(true));
    }
  }

  /** A PeerID no test used: that of a freshly generated key. */
  private static String peerIdOfAFreshKey() {
    return io.hsip.policygateway.hsip.keys.SigningKey.generate(new java.security.SecureRandom())
        .peerId()
        .value();
  }

  /**
   * Session lifetime with short tokens (10 s for the console client, during this test only): while
   * the identity provider's session lives, an expired token is refreshed and the console keeps
   * working; once that session has ended (idle timeout, or an administrator ending it), the next
   * page load after the token expired goes back to the login page.
   */
  @Test
  void anExpiredTokenIsRefreshedWhileTheSsoSessionLivesAndTheLoginReturnsWhenItEnds()
      throws Exception {
    try (AutoCloseable shortTokens = Keycloak.tokenLifespan("hsip-console", 10);
        BrowserContext context = browser.newContext()) {
      Page page = signIn(context, "viewer", "viewer");
      page.waitForSelector("#dashboard-view");

      page.waitForTimeout(12_000);
      page.navigate(base + "/dashboard");
      page.waitForSelector("#dashboard-view");
      assertThat(page.url()).isEqualTo(base + "/dashboard");

      Keycloak.endSessionsOf("viewer");
      page.waitForTimeout(12_000);
      page.navigate(base + "/dashboard");
      System.out.println("DEBUG url=" + page.url());
      System.out.println(
          "DEBUG body=" + page.content().substring(0, Math.min(2000, page.content().length())));
      page.waitForSelector("#kc-login");
      assertThat(page.url()).startsWith(Keycloak.realmUrl());
    }
  }

  @Test
  void adminSeesTheErasureAuditorsDoNot() {
    try (BrowserContext context = browser.newContext()) {
      Page page = signIn(context, "admin", "admin");
      page.navigate(base + "/audit");
      page.waitForSelector("#audit-view");
      assertThat(page.locator("#erase-subject").count()).isEqualTo(1);
    }
  }

  /** Waits until the newest audit entry is a leaf of the signed tree (integration is periodic). */
  private void awaitNewestEntryIntegrated() throws Exception {
    String token = Keycloak.userToken("auditor", "auditor");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> newest = api("GET", "/api/v1/audit/entries?limit=1", token);
      if (newest.statusCode() == 200) {
        var entries = JSON.readTree(newest.body()).get("entries");
        if (entries.size() == 1
            && !entries.get(0).path("leaf_index").isNull()
            && !entries.get(0).path("leaf_index").isMissingNode()) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the newest audit entry was not integrated within 20 s");
  }

  private record Run(int exit, String output) {}

  private static Run hsip(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bin/hsip"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }

  @Test
  void aUserWithoutAGatewayRoleIsToldSo() {
    try (BrowserContext context = browser.newContext()) {
      Page page = signIn(context, "norole", "norole");
      page.waitForSelector("#no-role");
      assertThat(page.textContent("#no-role")).contains("no access").contains("norole");
      page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("no-role.png")));
      page.navigate(base + "/dashboard");
      page.waitForSelector("#no-role");
    }
  }

  @Test
  void theApisTakeKeycloakBearerTokensAndCheckRoles() throws Exception {
    assertThat(api("GET", "/api/v1/policies", null).statusCode()).isEqualTo(401);
    String viewer = Keycloak.userToken("viewer", "viewer");
    String admin = Keycloak.userToken("admin", "admin");
    assertThat(api("GET", "/api/v1/policies", viewer).statusCode()).isEqualTo(200);
    assertThat(api("GET", "/api/v1/audit/public-key", viewer).statusCode()).isEqualTo(403);
    assertThat(
            api("GET", "/api/v1/audit/public-key", Keycloak.userToken("auditor", "auditor"))
                .statusCode())
        .isEqualTo(200);
    assertThat(api("GET", "/api/v1/directory/members", admin).statusCode()).isEqualTo(200);
    String gitops =
        Keycloak.clientToken("hsip-gitops", Keycloak.required("HSIP_OIDC_GITOPS_SECRET"));
    assertThat(api("GET", "/api/v1/directory/members", gitops).statusCode()).isEqualTo(200);
    // A console session cookie is not a bearer token: the APIs never redirect to a login page.
    HttpResponse<String> noToken = api("GET", "/api/v1/directory/members", null);
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().firstValue("Location")).isEmpty();
  }

  private ConsentResponse exchange() throws Exception {
    return exchange("console.test");
  }

  private ConsentResponse exchange(String purpose) throws Exception {
    SecureRandom random = new SecureRandom();
    ConsentRequest request = DecisionFixture.request(SigningKey.generate(random), purpose, 600_000);
    ConsentResponse response =
        new UdpConsentInitiator(
                new InetSocketAddress("127.0.0.1", udpPort), Duration.ofSeconds(5), 3, random)
            .exchange(request);
    ConsentValidator.validateResponse(response, request, listener, null);
    return response;
  }

  private HttpResponse<String> api(String method, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Page signIn(BrowserContext context, String user, String password) {
    Page page = context.newPage();
    page.navigate(base + "/");
    page.waitForSelector("#kc-login");
    page.fill("#username", user);
    page.fill("#password", password);
    page.click("#kc-login");
    page.waitForURL(Pattern.compile(Pattern.quote(base) + "/.*"));
    return page;
  }
}
