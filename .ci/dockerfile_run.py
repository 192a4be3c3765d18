#!/usr/bin/env python3
"""Runs a Dockerfile's build and run steps without a container engine (there is none on these machines).

Interprets the subset of Dockerfile instructions the project's Dockerfile uses, and refuses any other:
FROM (with AS), WORKDIR, COPY (from the build context, honouring .dockerignore, or --from=<stage>),
RUN (with --mount=type=cache, whose role the host's own cache plays), ENV, ARG, LABEL, VOLUME, EXPOSE,
USER, ENTRYPOINT (exec form). Each stage gets a directory standing for its root file system; RUN executes
in the stage's WORKDIR there with the host's tools, after checking that the host's Java has the major
version the base image names (eclipse-temurin:<major>-...).

  dockerfile_run.py build <Dockerfile> <context> <out>   runs every stage; <out>/<stage> are the roots
  dockerfile_run.py entrypoint <Dockerfile> <out>        prints the final stage's entry point, user,
                                                         exposed ports, volumes and environment as JSON,
                                                         with paths mapped into <out>/<final stage>
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys


def fail(message):
    print(f"dockerfile_run: {message}", file=sys.stderr)
    sys.exit(1)


def instructions(path):
    """(line number, keyword, argument text) of each instruction, continuations joined."""
    out, pending, start = [], "", 0
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if not pending:
                start = number
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            pending += line
            keyword, _, rest = pending.strip().partition(" ")
            out.append((start, keyword.upper(), rest.strip()))
            pending = ""
    return out


def ignore_rules(context):
    rules = []
    path = os.path.join(context, ".dockerignore")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                negate = line.startswith("!")
                pattern = line[1:] if negate else line
                rules.append((negate, pattern_regex(pattern)))
    return rules


def pattern_regex(pattern):
    pattern = pattern.strip("/")
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return re.compile(regex)


def excluded(relative, rules):
    """Docker's rule: the last matching pattern wins; a pattern matching a parent matches its files."""
    parts = relative.split("/")
    result = False
    for negate, regex in rules:
        if any(regex.fullmatch("/".join(parts[: n + 1])) for n in range(len(parts))):
            result = not negate
    return result


def context_files(context):
    listed = subprocess.run(
        ["git", "-C", context, "ls-files", "--cached", "--others", "--exclude-standard"],
        check=True, capture_output=True, text=True).stdout.splitlines()
    rules = ignore_rules(context)
    return [f for f in listed if os.path.isfile(os.path.join(context, f)) and not excluded(f, rules)]


def java_major():
    java = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "java")
    if not os.path.exists(java):
        java = shutil.which("java") or fail("no java on the host")
    text = subprocess.run([java, "-XshowSettings:properties", "-version"],
                          capture_output=True, text=True).stderr
    match = re.search(r"java\.specification\.version = (\d+)", text)
    return int(match.group(1)) if match else 0


class Stage:
    def __init__(self, name, image, root):
        self.name, self.image, self.root = name, image, root
        self.workdir, self.env, self.user = "/", {}, "root"
        self.entrypoint, self.volumes, self.exposed, self.labels = None, [], [], {}

    def host(self, path):
        path = path if path.startswith("/") else os.path.join(self.workdir, path)
        return os.path.join(self.root, os.path.normpath(path).lstrip("/"))


def substitute(text, variables):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables.get(m.group(1) or m.group(2), ""), text)


def key_values(text):
    return dict(item.split("=", 1) for item in shlex.split(text))


def copy(sources, destination):
    many = len(sources) > 1 or destination.endswith("/")
    for source in sources:
        if os.path.isdir(source):
            shutil.copytree(source, destination, dirs_exist_ok=True, symlinks=True)
        else:
            target = os.path.join(destination, os.path.basename(source)) if many else destination
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(source, target)


def run(dockerfile, context, out, execute=True):
    """Every stage, in order; with execute=False only reads the instructions (no COPY, no RUN)."""
    files = context_files(context) if execute else []
    stages, current, args = {}, None, {}
    for line, keyword, rest in instructions(dockerfile):
        where = f"{dockerfile}:{line}"
        if keyword == "ARG":
            name, _, default = rest.partition("=")
            args[name] = default
        elif keyword == "FROM":
            words = rest.split()
            image = words[0]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            match = re.fullmatch(r"eclipse-temurin:(\d+)-(jdk|jre)(-\w+)?", image)
            if not match:
                fail(f"{where}: base image {image} is not one this script can stand in for")
            if execute:
                host = java_major()
                if host != int(match.group(1)):
                    fail(f"{where}: {image} needs Java {match.group(1)} on the host, found {host}")
            current = stages[name] = Stage(name, image, os.path.join(out, name))
        elif current is None:
            fail(f"{where}: {keyword} before FROM")
        elif keyword == "WORKDIR":
            current.workdir = os.path.normpath(os.path.join(current.workdir, rest))
            if execute:
                os.makedirs(current.host(current.workdir), exist_ok=True)
        elif keyword in ("COPY", "RUN") and not execute:
            pass
        elif keyword == "COPY":
            words = shlex.split(rest)
            source_stage = None
            while words[0].startswith("--"):
                flag = words.pop(0)
                if flag.startswith("--from="):
                    source_stage = stages.get(flag[7:]) or fail(f"{where}: no stage {flag[7:]}")
                elif not flag.startswith("--chown="):
                    fail(f"{where}: COPY option {flag} not supported")
            *sources, destination = words
            destination = current.host(destination) + ("/" if destination.endswith("/") else "")
            if source_stage:
                paths = [source_stage.host(s) for s in sources]
                missing = [s for s, p in zip(sources, paths) if not os.path.exists(p)]
                if missing:
                    fail(f"{where}: {', '.join(missing)} not found in stage {source_stage.name}")
                copy(paths, destination)
            else:
                for source in sources:
                    prefix = source.rstrip("/")
                    chosen = [f for f in files if f == prefix or f.startswith(prefix + "/")]
                    if not chosen:
                        fail(f"{where}: {source} is not in the build context (or .dockerignore drops it)")
                    for f in chosen:
                        inner = f[len(prefix):].lstrip("/")
                        target = os.path.join(destination, inner) if inner else (
                            os.path.join(destination, os.path.basename(f))
                            if destination.endswith("/") else destination)
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        shutil.copy2(os.path.join(context, f), target)
        elif keyword == "RUN":
            os.makedirs(current.host(current.workdir), exist_ok=True)
            command = rest
            while command.startswith("--"):
                flag, _, command = command.partition(" ")
                if not flag.startswith("--mount=type=cache"):
                    fail(f"{where}: RUN option {flag} not supported")
            print(f"[{current.name}] RUN {command}", flush=True)
            # The host's tools stand for the image's; its home's ~/.m2 for the cache a mount gives.
            host_env = {k: os.environ[k] for k in ("PATH", "JAVA_HOME", "HOME") if k in os.environ}
            result = subprocess.run(["bash", "-c", command], cwd=current.host(current.workdir),
                                    env={**host_env, **current.env})
            if result.returncode != 0:
                fail(f"{where}: RUN exited {result.returncode}")
        elif keyword == "ENV":
            current.env.update({k: substitute(v, {**args, **current.env})
                                for k, v in key_values(rest).items()})
        elif keyword == "LABEL":
            current.labels.update({k: substitute(v, args) for k, v in key_values(rest).items()})
        elif keyword == "VOLUME":
            current.volumes += json.loads(rest)
        elif keyword == "EXPOSE":
            current.exposed += rest.split()
        elif keyword == "USER":
            current.user = rest
        elif keyword == "ENTRYPOINT":
            current.entrypoint = json.loads(rest)
        else:
            fail(f"{where}: instruction {keyword} not supported")
    return stages, current


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "build":
        _, final = run(sys.argv[2], sys.argv[3], sys.argv[4])
        print(f"[dockerfile_run] built; final stage root {final.root}")
    elif len(sys.argv) == 4 and sys.argv[1] == "entrypoint":
        # Reads the instructions again (no COPY, no RUN): `build` made the stages' roots.
        print(json.dumps(describe(sys.argv[2], sys.argv[3])))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


def describe(dockerfile, out):
    """The final stage's entry point and settings, with absolute paths mapped into its root."""
    _, final = run(dockerfile, None, out, execute=False)
    mapped = [final.host(a) if a.startswith("/") and os.path.exists(final.host(a)) else a
              for a in final.entrypoint or []]
    return {"root": final.root, "entrypoint": mapped, "user": final.user, "volumes": final.volumes,
            "exposed": final.exposed, "env": final.env, "labels": final.labels}


if __name__ == "__main__":
    main()
