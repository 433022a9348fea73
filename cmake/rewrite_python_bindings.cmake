# Points the Python files mlir-tblgen generates for `mlir/dialects/` at the
# upstream `mlir` package, so they work from inside `mljit/dialects/`.
file(READ "${INPUT}" content)
string(REPLACE "from ._ods_common import" "from mlir.dialects._ods_common import" content "${content}")
string(REPLACE "from ..ir import" "from mlir.ir import" content "${content}")
file(WRITE "${OUTPUT}" "${content}")
