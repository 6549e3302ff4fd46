# Derivations behind the .drv fixtures (see README.md). Evaluate with
# nix-instantiate derivations.nix -A NAME, NIX_STORE_DIR=/tmp/nx/store.
rec {
  plain = derivation {
    name = "plain"; system = "x86_64-linux"; builder = "/bin/sh";
    args = [ "-c" "echo plain > $out" ];
  };
  multiple = derivation {
    name = "multiple-2.0"; system = "x86_64-linux"; builder = "/bin/sh";
    outputs = [ "out" "bin" "dev" "doc" ];
    args = [ "-c" "for o in $out $bin $dev $doc; do echo > $o; done" ];
  };
  flat-sha256 = derivation {
    name = "flat-sha256"; system = "x86_64-linux"; builder = "/bin/sh";
    outputHashMode = "flat"; outputHashAlgo = "sha256";
    outputHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    args = [ "-c" "printf hello > $out" ];
  };
  flat-sha1 = derivation {
    name = "flat-sha1"; system = "x86_64-linux"; builder = "/bin/sh";
    outputHashAlgo = "sha1"; outputHash = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d";
    args = [ "-c" "printf hello > $out" ];
  };
  flat-sha512 = derivation {
    name = "flat-sha512"; system = "x86_64-linux"; builder = "/bin/sh";
    outputHash = "sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==";
    args = [ "-c" "printf hello > $out" ];
  };
  recursive-sha256 = derivation {
    name = "recursive-sha256"; system = "x86_64-linux"; builder = "/bin/sh";
    outputHashMode = "recursive"; outputHashAlgo = "sha256";
    outputHash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
    args = [ "-c" "mkdir $out" ];
  };
  recursive-sha1 = derivation {
    name = "recursive-sha1"; system = "x86_64-linux"; builder = "/bin/sh";
    outputHashMode = "recursive"; outputHash = "sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00=";
    args = [ "-c" "mkdir $out" ];
  };
  recursive-sha512 = derivation {
    name = "recursive-sha512"; system = "x86_64-linux"; builder = "/bin/sh";
    outputHashMode = "recursive"; outputHashAlgo = "sha512";
    outputHash = "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043";
    args = [ "-c" "mkdir $out" ];
  };
  escapes = derivation {
    name = "escapes"; system = "x86_64-linux"; builder = "/bin/sh";
    args = [ "-c" "quote\" backslash\\ newline\n return\r tab\t" ];
    text = builtins.fromJSON "\"bell\\u0007 escape\\u001b del\\u007f é ☃ 😀 \\\\n\"";
    "key with \"quotes\"" = "and\\backslashes";
    "" = "empty key";
  };
  with-inputs = derivation {
    name = "with-inputs"; system = "x86_64-linux"; builder = "/bin/sh";
    args = [ "-c" "cat ${plain} ${multiple.dev} ${multiple.bin} ${recursive-sha256} ${flat-sha1} ${builtins.toFile "note" "a note"} > $out" ];
  };
}
