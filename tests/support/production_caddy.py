"""caddy/Caddyfile.prod run for real: its production site names, automatic HTTPS with the HTTP
to HTTPS redirect, HSTS and the shared headers, on loopback ports.

Only what cannot be had here is swapped, in the adapted JSON config rather than in the file:
certificates come from Caddy's own CA (the `internal` issuer, as `tls internal` would) instead of
Let's Encrypt, and ports 80/443 become free high ports. Clients reach the production names
through their own host mapping (curl --resolve); the machine's DNS is never touched.
"""

import json
import re
import socket
import ssl
import subprocess
from pathlib import Path

import httpx
import port_for
from mirakuru import TCPExecutor

from support.live_caddy import (
    CADDY_DIR,
    CaddyProcess,
    backend_placeholders,
    caddy_binary,
    isolated_env,
    run_caddy_command,
)

SITE_NAMES = ("catbench.com", "icircle.catbench.com", "www.catbench.com")


class ProductionCaddy(CaddyProcess):
    def __init__(self, folder: Path, site_root, upstream):
        super().__init__(folder)
        self.http_port = port_for.select_random()
        self.https_port = port_for.select_random(exclude_ports=[self.http_port])
        self.placeholders = {
            "CADDY_ADMIN": "off",
            **backend_placeholders(upstream),
            "SITE_ROOT": str(site_root),
            "CADDY_LOG_DIR": str(self.log_dir),
        }
        self.env = isolated_env(self.folder)
        self.root_certificate = (
            Path(self.env["XDG_DATA_HOME"]) / "caddy/pki/authorities/local/root.crt"
        )

    def adapted_config(self):
        """Caddyfile.prod as Caddy reads it, with the internal issuer and loopback ports."""
        config = production_config(self.folder, **self.placeholders)
        http = config["apps"]["http"]
        http["http_port"] = self.http_port
        http["https_port"] = self.https_port
        ports = {":443": self.https_port, ":80": self.http_port}
        for server in http["servers"].values():
            server["listen"] = [f"127.0.0.1:{ports[address]}" for address in server["listen"]]
        return config

    def executor_for(self, output):
        config_path = self.folder / "caddy.json"
        config_path.write_text(json.dumps(self.adapted_config()))
        return TCPExecutor(
            [caddy_binary(), "run", "--config", str(config_path)],
            host="127.0.0.1",
            port=self.https_port,
            cwd=str(self.folder),
            envvars={**self.env, **self.placeholders},
            timeout=30,
            stdout=output,
            stderr=subprocess.STDOUT,
        )

    def port(self, scheme):
        return self.https_port if scheme == "https" else self.http_port

    def curl(self, method, url, *args, body=None, headers=()):
        """curl with the production name mapped to 127.0.0.1 and Caddy's root trusted:
        (status, headers by lowercase name, body)."""
        scheme, host = re.match(r"(https?)://([^/:]+)", url).groups()
        port = self.port(scheme)
        command = [
            "curl", "--silent", "--show-error", "--max-time", "10",
            "--resolve", f"{host}:{port}:127.0.0.1",
            "--cacert", str(self.root_certificate),
            "--request", method, "--dump-header", "-", *args,
        ]  # fmt: skip
        for header in headers:
            command += ["--header", header]
        if body is not None:
            command += ["--data", body]
        with_port = re.sub(r"^(https?://[^/:]+)", rf"\g<1>:{port}", url)
        result = subprocess.run(
            [*command, with_port], capture_output=True, text=True, timeout=20, check=False
        )
        if result.returncode != 0:
            raise AssertionError(f"curl {with_port} failed: {result.stderr.strip()}")
        return parse_response(result.stdout)

    def certificate(self, name):
        """The certificate served for name, verified against Caddy's root for that name."""
        context = ssl.create_default_context(cafile=str(self.root_certificate))
        with (
            socket.create_connection(("127.0.0.1", self.https_port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=name) as tls,
        ):
            return tls.getpeercert()


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with every host name mapped to one address, as curl --resolve does:
    the request still names its host (Host header, cookies) and TLS still asks for that name
    (SNI) and checks the certificate against it. The machine's DNS is never asked."""

    def __init__(self, address="127.0.0.1", **options):
        super().__init__(**options)
        self.address = address

    def handle_request(self, request):
        named = request.url
        request.url = named.copy_with(host=self.address)
        request.extensions = {**request.extensions, "sni_hostname": named.host}
        try:
            return super().handle_request(request)
        finally:
            request.url = named  # the client files cookies under the URL it asked for


def production_config(folder, **placeholders):
    """Caddyfile.prod adapted to JSON with the given placeholders (the environment Caddy would
    have), its certificates issued by Caddy's own CA (as `tls internal`) for SITE_NAMES."""
    result = run_caddy_command(
        folder,
        "adapt",
        "--config",
        str(CADDY_DIR / "Caddyfile.prod"),
        "--adapter",
        "caddyfile",
        **placeholders,
    )
    if result.returncode != 0:
        raise RuntimeError(f"caddy adapt Caddyfile.prod failed:\n{result.stderr}")
    config = json.loads(result.stdout)
    config["apps"]["tls"] = {
        "automation": {
            "policies": [{"subjects": list(SITE_NAMES), "issuers": [{"module": "internal"}]}]
        }
    }
    # Never add Caddy's root to this machine's trust store; clients pass it explicitly.
    config["apps"]["pki"] = {"certificate_authorities": {"local": {"install_trust": False}}}
    return config


def parse_response(text):
    head, _, body = text.partition("\n\n")  # text mode: curl's CRLFs are \n here
    lines = head.split("\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    # Set-Cookie stays a list (cookie dates hold commas); other repeated headers are joined.
    joined = {name: ", ".join(values) for name, values in headers.items()}
    joined["set-cookie"] = headers.get("set-cookie", [])
    return status, joined, body
