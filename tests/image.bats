#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The container image (make image, make check-image): built by
# packaging/image.sh from the static binary under test, then run by podman
# (runc) against the fake server on this machine's loopback.

load helper

# the image is built once; setup() says why there is none
setup_file() {
	command -v podman >/dev/null && command -v buildah >/dev/null && [ -n "${NITRO_STATIC:-}" ] ||
		return 0
	local arch
	arch=$(readelf -h "$NT" | sed -n 's/^ *Machine: *//p')
	case $arch in
	*X86-64*) arch=x86_64 ;;
	*AArch64*) arch=aarch64 ;;
	esac
	export VERSION IMAGE
	VERSION=$(sed -n 's/^VERSION *= *//p' "$ROOT/Makefile")
	IMAGE=$("$ROOT/packaging/image.sh" "$arch" "$NT" "$VERSION" 2026-01-01)
}

setup() {
	command -v podman >/dev/null && command -v buildah >/dev/null ||
		skip "podman and buildah are not installed (make deps-qa installs them)"
	[ -n "${NITRO_STATIC:-}" ] || skip "not the static build (make check-image)"
	common_setup
}

# in_image ARG...: podman runs the image; this VM's cgroups want runc and
# explicit limits; --network host reaches the fake server on 127.0.0.1
in_image() {
	podman run --rm --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--network host "$@"
}

@test "image: --version, as the binary says it" {
	run --separate-stderr in_image "$IMAGE" --version
	[ "$status" -eq 0 ]
	[ "$output" = "$("$NT" --version)" ]
	[ "${lines[0]}" = "nitro-token $VERSION" ]
	[ "$stderr" = "" ]
}

@test "image: no shell, a numeric non-root user, the labels" {
	run podman image inspect --format '{{.User}} {{.Config.Entrypoint}}' "$IMAGE"
	[ "$output" = "65534:65534 [/nitro-token]" ]
	run -127 in_image --entrypoint /bin/sh "$IMAGE" -c true
	[ "$status" -eq 127 ]
	run podman image inspect --format \
		'{{index .Labels "org.opencontainers.image.version"}} {{index .Labels "org.opencontainers.image.licenses"}}' "$IMAGE"
	[ "$output" = "$VERSION MIT" ]
}

@test "image: a token with the credentials in the environment" {
	start_server
	respond_token tok-env
	run --separate-stderr in_image -e NITRO_CLIENT_ID="$ID" -e NITRO_CLIENT_SECRET="$SECRET" \
		"$IMAGE" --base-url "$BASE"
	[ "$status" -eq 0 ]
	[ "$output" = tok-env ]
	[ "$stderr" = "" ]
	assert_one_good_request
}

@test "image: a token with the secret in a mounted file" {
	start_server
	respond_token tok-file
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secret"
	chmod 600 "$BATS_TEST_TMPDIR/secret"
	# owned by the image's user (rootless podman maps it; root's is the same number)
	if [ "$(id -u)" = 0 ]; then
		chown 65534:65534 "$BATS_TEST_TMPDIR/secret"
	else
		podman unshare chown 65534:65534 "$BATS_TEST_TMPDIR/secret"
	fi
	run --separate-stderr in_image -v "$BATS_TEST_TMPDIR/secret:/run/secrets/nitro:ro" \
		"$IMAGE" --base-url "$BASE" --client-id "$ID" --client-secret-file /run/secrets/nitro
	[ "$status" -eq 0 ]
	[ "$output" = tok-file ]
	[ "$stderr" = "" ]
	assert_one_good_request
}

@test "image: a certificate its CA bundle does not trust is refused (exit 4)" {
	start_server --tls
	run --separate-stderr in_image -e NITRO_CLIENT_SECRET="$SECRET" \
		"$IMAGE" --base-url "https://127.0.0.1:$PORT" --client-id "$ID" --retries 0
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[[ "$stderr" == "nitro-token: POST https://127.0.0.1:$PORT/oauth/token: "*"certificate"* ]]
	[ "$(request_count)" = 0 ]
}
