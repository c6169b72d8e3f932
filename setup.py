"""The optional compiled core: Cython modules that speed up their pure-Python twins.

Built when Cython and a C compiler are present; a failed build leaves the pure-Python
package (``optional=True``).  ``SMSCLF_BUILD_EXT=0`` skips the build.  Floating-point
contraction (a*b+c fused into one instruction) is turned off so that the compiled sums
round exactly as the twins' Python arithmetic does.
"""

import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

#: (module, source): every compiled twin; keep in step with smsclf/accel.py MODULES
SOURCES = [("smsclf._cscore", "smsclf/_cscore.pyx"),
           ("smsclf._cnormalize", "smsclf/_cnormalize.pyx"),
           ("smsclf._cphrases", "smsclf/_cphrases.pyx")]


class BuildExt(build_ext):
    def build_extensions(self):
        if self.compiler.compiler_type == "unix":  # gcc and clang
            for ext in self.extensions:
                ext.extra_compile_args = [*ext.extra_compile_args,
                                          "-ffp-contract=off", "-O2", "-g0"]
        super().build_extensions()


def extensions():
    if os.environ.get("SMSCLF_BUILD_EXT", "1").strip() == "0":
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        return []
    exts = [Extension(name, [src], optional=True) for name, src in SOURCES]
    return cythonize(exts, language_level=3, quiet=True, compiler_directives={
        "boundscheck": False, "wraparound": False, "cdivision": True,
        "initializedcheck": False, "embedsignature": True})


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
