# HSIP Policy Gateway container image. Needs no JDK on the host: the first stage builds with the Maven
# wrapper, the second runs the Quarkus fast-jar on a JRE.
#   docker build -t hsip-policy-gateway:0.1.0 .
# No Docker engine on the build machines here: `bash .ci/container` runs this file's build and run steps
# as a script (see k8s/README.md, "The image") and CI does so on every run.
#
# Runtime: non-root (uid 10001), read-only root file system (the only writable path is the /tmp volume),
# no secrets in the image. Configuration comes from the environment (HSIP_DB_URL, HSIP_DB_USER,
# HSIP_DB_PASSWORD, HSIP_OIDC_*, ...) and keys from mounted files (HSIP_SIGNING_KEY_FILE,
# HSIP_SUBJECT_KEK_FILE, GATEWAY_LISTENERS_MAIN_KEY_FILE): see docs/operations.md.

# --- build ------------------------------------------------------------------------------------------
# JDK 25: the build's compiler plugins use JVM options that need it (.mvn/jvm.config); the bytecode
# targets Java 21 (maven.compiler.release).
FROM eclipse-temurin:25-jdk-noble AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
COPY admin-ui/ admin-ui/
COPY policies/ policies/
# The Maven repository is a BuildKit cache, so rebuilds download nothing they already have.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package

# --- run --------------------------------------------------------------------------------------------
FROM eclipse-temurin:25-jre-noble
ARG VERSION=0.1.0
# The commit the image was built from: docker build --build-arg REVISION=$(git rev-parse HEAD) .
ARG REVISION=unknown
LABEL org.opencontainers.image.title="HSIP Policy Gateway" \
      org.opencontainers.image.description="Consent policy gateway and admin console for the HSIP protocol" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="eclipse-temurin:25-jre-noble"
WORKDIR /app
# Four layers, least to most often changed. Owned by root and not writable by the runtime user.
COPY --from=build /src/target/quarkus-app/lib/ /app/lib/
COPY --from=build /src/target/quarkus-app/quarkus-run.jar /app/
COPY --from=build /src/target/quarkus-app/app/ /app/app/
COPY --from=build /src/target/quarkus-app/quarkus/ /app/quarkus/
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp" \
    QUARKUS_HTTP_HOST=0.0.0.0
# The only writable path: Vaadin uploads and the JVM's temporary files.
VOLUME ["/tmp"]
# HTTP (console, APIs, /q health and metrics) and the main HSIP UDP listener.
EXPOSE 8080/tcp 40405/udp
USER 10001:10001
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/app/quarkus-run.jar"]
