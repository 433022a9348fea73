// The dialect's attribute syntax with unknown names and missing bodies.
func.func @f() attributes {x = #ml<nope>} {
  return
}

// -----

func.func @f() attributes {x = #ml<reduce_kind>} {
  return
}

// -----

func.func @f() attributes {x = #ml<>} {
  return
}

// -----

func.func @f() attributes {x = #ml<comparison_direction sum>} {
  return
}
