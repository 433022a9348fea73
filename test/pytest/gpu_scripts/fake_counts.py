"""What the fake driver (fake_cuda/fake_cuda.c) has counted. Importing this
loads libcuda.so.1, which must be the fake."""

import ctypes

FAKE = ctypes.CDLL("libcuda.so.1")


def seen(name):
    """The fake's counter `name`."""
    return ctypes.c_int.in_dll(FAKE, name).value


def last_launch():
    """(grid, block) of the last kernel launched."""
    def dims(name):
        return tuple((ctypes.c_uint * 3).in_dll(FAKE, name))
    return dims("fake_grid"), dims("fake_block")


assert seen("fake_launches") == 0  # the fake, not a real driver
