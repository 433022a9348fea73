// ml booleans through block arguments, loops, branches and calls: the
// conversion rewrites only function signatures, so these end in
// diagnostics (or lower, for calls), never in a crash.
func.func @f(%a: tensor<4xi1>, %c: i1) -> tensor<4xi1> {
  cf.cond_br %c, ^bb1(%a : tensor<4xi1>), ^bb2
^bb1(%x: tensor<4xi1>):
  %0 = ml.xor %x, %x : tensor<4xi1>
  return %0 : tensor<4xi1>
^bb2:
  return %a : tensor<4xi1>
}

// -----

func.func @f(%a: tensor<4xi1>, %n: index) -> tensor<4xi1> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%x = %a) -> (tensor<4xi1>) {
    %0 = ml.xor %x, %a : tensor<4xi1>
    scf.yield %0 : tensor<4xi1>
  }
  return %r : tensor<4xi1>
}

// -----

func.func @f(%a: tensor<4xi1>, %c: i1) -> tensor<4xi1> {
  %r = scf.if %c -> tensor<4xi1> {
    %0 = ml.xor %a, %a : tensor<4xi1>
    scf.yield %0 : tensor<4xi1>
  } else {
    scf.yield %a : tensor<4xi1>
  }
  return %r : tensor<4xi1>
}

// -----

func.func @g(%a: tensor<4xi1>) -> tensor<4xi1> {
  return %a : tensor<4xi1>
}
func.func @f(%a: tensor<4xi1>) -> tensor<4xi1> {
  %0 = func.call @g(%a) : (tensor<4xi1>) -> tensor<4xi1>
  %1 = ml.and %0, %a : tensor<4xi1>
  return %1 : tensor<4xi1>
}

// -----

// An ml op in the region of an unregistered op (--allow-unregistered-dialect).
func.func @f(%a: tensor<4xi1>) -> tensor<4xi1> {
  %0 = "test.region"() ({
    %1 = ml.xor %a, %a : tensor<4xi1>
    "test.yield"(%1) : (tensor<4xi1>) -> ()
  }) : () -> tensor<4xi1>
  return %0 : tensor<4xi1>
}
