"""With the fake driver reporting no device (FAKE_CUDA_DEVICES=0), a
device="cuda" call, device_put and loading the artifact ARTIFACT raise
DeviceError; prints their messages.

    python without_devices.py ARTIFACT
"""

import sys

import mljit
import models
import fake_counts  # noqa: F401  (importing it checks that the driver is the fake)

function, args = models.example("softmax")
for attempt in (lambda: mljit.jit(function, device="cuda")(*args),
                lambda: mljit.device_put(args[0]),
                lambda: mljit.load(sys.argv[1])):
    try:
        attempt()
    except mljit.DeviceError as error:
        print(error)
    else:
        raise AssertionError("ran without a device")
