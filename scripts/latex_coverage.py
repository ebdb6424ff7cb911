"""Measure how much sympy LaTeX each server-side math renderer shows as math.

    python scripts/latex_coverage.py

Compares latex2mathml (MathML, what bai-media uses) with matplotlib mathtext (SVG) on a corpus
generated with sympy: an expression counts as rendered when the renderer produces output
without error and without leaking unknown commands as text.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def sympy_corpus() -> list[str]:
    """About 200 LaTeX strings from sympy.latex over many kinds of expression."""
    import sympy as sp

    x, y, z, n, k = sp.symbols("x y z n k")
    a, b = sp.symbols("alpha beta")
    f = sp.Function("f")
    x1, x2 = sp.symbols("x_1 x_2")
    atoms = [x, x**2 + 1, sp.sqrt(x), x / (y + 1), sp.exp(-x**2), a * b, x1 + x2]
    unary = [sp.sin, sp.cos, sp.tan, sp.asin, sp.atan, sp.sinh, sp.cosh, sp.exp, sp.log, sp.sqrt, sp.Abs,
             sp.floor, sp.ceiling, sp.gamma, sp.factorial, sp.conjugate, sp.re, sp.im, sp.sign, sp.erf,
             sp.Heaviside, sp.DiracDelta, sp.zeta, sp.cot, sp.sec, sp.csc, sp.acosh, sp.LambertW]
    exprs: list[object] = []
    for fn in unary:
        exprs += [fn(atom) for atom in atoms[:4]]
    exprs += [
        sp.Integral(sp.exp(-x**2), (x, -sp.oo, sp.oo)), sp.Integral(1 / (1 + x**2), x), sp.integrate(1 / (1 + x**2), x),
        sp.Sum(1 / k**2, (k, 1, sp.oo)), sp.Product(k, (k, 1, n)), sp.Limit(sp.sin(x) / x, x, 0),
        sp.Derivative(f(x), x), sp.Derivative(f(x, y), x, y), sp.diff(sp.sin(x) * sp.exp(x), x),
        sp.Matrix([[1, x], [y, 2]]), sp.Matrix([[sp.sqrt(2), 0, 1]]), sp.eye(3), sp.Matrix([[a], [b]]).T,
        sp.Piecewise((x, x > 0), (-x, True)), sp.binomial(n, k), sp.Rational(3, 7), sp.pi * sp.E, sp.oo,
        sp.Eq(x**2, 4), sp.Ne(x, y), sp.Lt(x, 1), sp.Ge(y, 2), sp.Interval(0, 1), sp.FiniteSet(1, 2, 3),
        sp.Union(sp.Interval(0, 1), sp.Interval(2, 3)), sp.Mod(x, 3), sp.Max(x, y), sp.Min(x, 1), sp.I * x,
        sp.series(sp.sin(x), x, 0, 6), sp.Subs(f(x), x, 1), sp.besselj(n, x), sp.assoc_legendre(n, k, x),
        sp.polylog(2, x), sp.hyper([1, 2], [3], x), sp.KroneckerDelta(n, k), sp.LeviCivita(x, y, z),
        sp.catalan(n), sp.fibonacci(n), sp.harmonic(n), sp.Poly(x**3 + 2 * x + 1, x), sp.sqrt(x**2 + y**2),
        sp.root(x, 3), sp.expand((x + y) ** 5), sp.factor(x**4 - 1), sp.apart(1 / (x * (x + 1))),
        sp.Function("g")(x, y), sp.Symbol("theta_max"), sp.Symbol("x_{i,j}"), sp.Sum(x**k / sp.factorial(k), (k, 0, n)),
        sp.Integral(sp.Integral(x * y, (x, 0, 1)), (y, 0, 1)), sp.Abs(x - y) ** 2, sp.exp(sp.I * sp.pi),
        sp.MatrixSymbol("A", 3, 3) * sp.MatrixSymbol("B", 3, 3), sp.Determinant(sp.MatrixSymbol("A", 2, 2)),
        sp.Trace(sp.MatrixSymbol("A", 2, 2)), sp.Transpose(sp.MatrixSymbol("A", 2, 2)), sp.Not(sp.Symbol("p")),
        sp.And(sp.Symbol("p"), sp.Symbol("q")), sp.Or(x > 1, y < 2), sp.Implies(sp.Symbol("p"), sp.Symbol("q")),
        sp.Order(x**3), sp.Lambda(x, x**2), sp.ImageSet(sp.Lambda(x, x**2), sp.S.Naturals), sp.S.Reals, sp.S.Complexes,
    ]
    return [sp.latex(e) for e in exprs]


def _mathml(tex: str) -> bool:
    from bai_media.mathml import MathError, tex_to_mathml

    try:
        tex_to_mathml(tex)
        return True
    except MathError:
        return False


def _mathtext(tex: str) -> bool:
    from matplotlib import mathtext

    try:
        mathtext.math_to_image(f"${tex}$", io.BytesIO(), format="svg")
        return True
    except Exception:
        return False


RENDERERS = {"mathml": _mathml, "mathtext": _mathtext}


def coverage(corpus: list[str], renderer: str) -> tuple[int, list[str]]:
    check = RENDERERS[renderer]
    failures = [tex for tex in corpus if not check(tex)]
    return len(corpus) - len(failures), failures


def main() -> None:
    corpus = sympy_corpus()
    print(f"sympy corpus: {len(corpus)} expressions")
    for name in RENDERERS:
        start = time.perf_counter()
        rendered, failures = coverage(corpus, name)
        ms = (time.perf_counter() - start) * 1000 / len(corpus)
        print(f"{name:9s} {rendered}/{len(corpus)} = {rendered / len(corpus):.1%} rendered as math, {ms:.2f} ms each")
        for tex in failures[:8]:
            print(f"    not rendered: {tex[:90]}")


if __name__ == "__main__":
    main()
