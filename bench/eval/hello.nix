# GNU hello as a Nix expression: the peer of `cairn build -d hello` (bench/eval.sh,
# bench/time-machine.sh).
let
  src = derivation { name = "hello-2.10.tar.gz"; system = "builtin"; builder = "builtin:fetchurl";
    url = "mirror://gnu/hello/hello-2.10.tar.gz"; outputHashAlgo = "sha256"; outputHashMode = "flat";
    outputHash = "31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b"; };
in derivation { name = "hello-2.10"; system = "x86_64-linux"; builder = "/bin/sh";
  args = [ "-c" "tar xf ${src}; cd hello-2.10; ./configure --prefix=$out; make; make install" ]; }
