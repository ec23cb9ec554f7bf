"""Chapter 10 figures: autoencoder errors, toy-GAN quality and speed, the explorers' update times, the MNIST GAN.

The experiments are the chapter's own, with its recipes and seeds (keep them in step with
``notebooks/10_autoencoders_gans.ipynb``): full mode trains on all 55,000 training images,
smoke mode on the notebook's smoke sizes. Reported:

- autoencoder: squared error per pixel on the 10,000 test images for the 2-D autoencoder, PCA
  with 2 components and the mean image; the denoising autoencoder's error on noisy inputs;
- toy GAN on the ring: energy distance and modes covered for the good setting and the
  mode-collapse setting, milliseconds per round (wall and CPU);
- explorers (kernel side): median update of the latent and denoising explorers (cheap views,
  target ≤ 50 ms) and of the GAN explorer's Play tick (10 rounds + redraw) and single D / G steps;
- MNIST GAN: milliseconds per round, energy distance to real test digits before and after,
  and the share / number of digits a two-epoch MLP recognises in 1,000 samples.

    python -m benchmarks.bench_generative                      # full; writes results/bench_generative.json
    python -m benchmarks.bench_generative --record             # ... and results/generative.md (committed)
    python -m benchmarks.bench_generative --record --notebook  # ... with the notebook's full-mode wall time
    DLNOTES_SMOKE=1 python -m benchmarks.bench_generative
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time

import numpy as np

from benchmarks import REPO, RESULTS

NOTEBOOK = REPO / "notebooks" / "10_autoencoders_gans.ipynb"


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def autoencoders(full: bool) -> tuple[dict, dict]:
    """The chapter's 2-D autoencoder and denoising autoencoder, with the PCA and mean-image baselines.

    Returns the figures and the trained models (for :func:`explorers`).
    """
    from dlnotes import generative as gen
    from dlnotes.data import load_mnist
    from dlnotes.keras_models import normalize

    (x_tr, _), (x_te, y_te) = load_mnist()
    x, xt = normalize(x_tr[: None if full else 5000]), normalize(x_te)
    auto, encoder, decoder = gen.dense_autoencoder(code_dim=2, hidden=(256, 64))
    run = gen.train_autoencoder(auto, x, epochs=10 if full else 5, batch_size=128 if full else 64,
                                lr=2e-3 if full else 3e-3)
    denoiser, _, _ = gen.dense_autoencoder(code_dim=32, hidden=(256,), seed=1)
    dae = gen.train_autoencoder(denoiser, x, epochs=5 if full else 3, batch_size=128 if full else 64, lr=3e-3,
                                noise=0.5, seed=1)
    noisy = gen.add_noise(xt, 0.5, seed=123)
    figures = {
        "n_train": len(x),
        "error_autoencoder_2d": gen.reconstruction_error(auto, xt),
        "error_pca_2d": gen.pca_reconstruction_error(x, xt, 2),
        "error_mean_image": float(np.mean((xt - x.mean(axis=0)) ** 2)),
        "train_seconds": run["seconds"],
        "denoise_error_noisy_input": float(np.mean((noisy - xt) ** 2)),
        "denoise_error_output": gen.reconstruction_error(denoiser, xt, inputs=noisy),
        "denoise_train_seconds": dae["seconds"],
    }
    models = {"encoder": encoder, "decoder": decoder, "denoiser": denoiser, "x_test": xt,
              "digits_test": y_te.astype(int)}
    return figures, models


def toy_gans(full: bool) -> dict:
    """The good setting and the mode-collapse setting on the ring, as in the chapter."""
    from dlnotes import generative as gen

    out = {}
    settings = {"good": ({}, 2000 if full else 1000),
                "collapse": (dict(lr_d=1e-2, lr_g=1e-3, d_steps=5, loss="minimax"), 1000 if full else 500)}
    for name, (kw, rounds) in settings.items():
        g = gen.ToyGAN("ring", seed=0, **kw)
        g.train(1)  # trace the graph outside the timing
        g.reset()
        start = g.quality()
        _, wall, cpu = _timed(lambda: g.train(rounds))
        end = g.quality()
        out[name] = {"rounds": rounds, "energy_start": start["energy"], "energy_end": end["energy"],
                     "modes_covered": end["modes"], "near_share": end["near_share"],
                     "ms_per_round": wall / rounds * 1e3, "cpu_ms_per_round": cpu / rounds * 1e3}
    return out


def explorers(models: dict) -> dict:
    """Median kernel-side update times of the chapter's explorers, built as the notebook builds them."""
    from dlnotes.explorers.autoencoder import denoise_explorer, latent_explorer
    from tests.explorer_checks import randomize  # the contract test's random settings
    from dlnotes.explorers.gan import gan_lab

    rng = np.random.default_rng(0)
    out = {}
    built = {"latent_explorer": latent_explorer(models["encoder"], models["decoder"], models["x_test"],
                                                models["digits_test"]),
             "denoise_explorer": denoise_explorer(models["denoiser"], models["x_test"])}
    for name, e in built.items():
        times = []
        for _ in range(60):
            randomize(e, rng)
            times.append(e.last_update_ms)
        out[f"{name}_update_median_ms"] = statistics.median(times)
        out[f"{name}_update_p95_ms"] = float(np.percentile(times, 95))
    lab = gan_lab()
    lab.set(rounds=100)
    ticks, d_steps, g_steps = [], [], []
    for _ in range(20):
        lab.play.value += 1
        ticks.append(lab.last_update_ms)
        time.sleep(lab.min_tick_gap)
    for _ in range(10):
        lab.buttons["d_step"].click()
        d_steps.append(lab.last_update_ms)
        lab.buttons["g_step"].click()
        g_steps.append(lab.last_update_ms)
    out["gan_lab_play_tick_median_ms"] = statistics.median(ticks)
    out["gan_lab_rounds_per_tick"] = 10
    out["gan_lab_d_step_median_ms"] = statistics.median(d_steps)
    out["gan_lab_g_step_median_ms"] = statistics.median(g_steps)
    return out


def mnist_gan(full: bool) -> dict:
    """The chapter's dense MNIST GAN, judged by energy distance and by a two-epoch MLP."""
    import keras

    from dlnotes import generative as gen
    from dlnotes import keras_models as km
    from dlnotes.data import load_mnist

    (x_tr, y_tr), (x_te, y_te) = load_mnist()
    rounds = 5000 if full else 800
    g = gen.GAN(gen.mnist_generator(noise_dim=64), gen.mnist_discriminator(), x_tr.reshape(-1, 784), noise_dim=64,
                lr_d=5e-4, lr_g=5e-4, batch_size=64, noise="normal", seed=0)
    z_eval = g.noise(1000, seed=2)
    untrained = g.generate(z_eval)
    _, wall, cpu = _timed(lambda: g.train(rounds))
    fakes = g.generate(z_eval)
    keras.utils.set_random_seed(0)
    n = None if full else 5000
    judge = km.compile_model(km.mlp(hidden=128), keras.optimizers.Adam(3e-3))
    judge.fit(km.normalize(x_tr[:n]), y_tr[:n].astype(int), epochs=2, batch_size=128, verbose=0)
    real = km.normalize(x_te)
    seen = gen.digit_coverage(judge.predict(fakes, verbose=0))
    return {
        "rounds": rounds, "ms_per_round": wall / rounds * 1e3, "cpu_ms_per_round": cpu / rounds * 1e3,
        "energy_untrained": gen.energy_distance(untrained, real[:1000]),
        "energy_trained": gen.energy_distance(fakes, real[:1000]),
        "energy_real_vs_real": gen.energy_distance(real[1000:2000], real[:1000]),
        "judge_test_accuracy": float(judge.evaluate(real, y_te.astype(int), verbose=0)[1]),
        "recognised_share": seen["confident_share"], "digits_covered": seen["classes"],
    }


def run(full: bool) -> dict:
    """Every chapter-10 figure (full: all of MNIST, the notebook's full sizes)."""
    out = {"mode": "full" if full else "smoke"}
    models = {}

    def with_models():
        figures, trained = autoencoders(full)
        models.update(trained)
        return figures

    for name, part in (("autoencoder", with_models), ("toy_gan", lambda: toy_gans(full)),
                       ("explorers", lambda: explorers(models)), ("mnist_gan", lambda: mnist_gan(full))):
        t0 = time.perf_counter()
        out[name] = part()
        out[name]["bench_seconds"] = time.perf_counter() - t0
        print(f"{name}: {json.dumps(out[name], default=float)}", flush=True)
    return out


def machine() -> dict:
    """Where and when: date, architecture, cores, and the 1-minute load average (now)."""
    return {"date": dt.date.today().isoformat(), "machine": platform.machine(), "cores": os.cpu_count(),
            "load_average": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None}


def record(results: dict) -> str:
    """The committed markdown record of a run (what the chapter's prose may quote)."""
    ae, toy, ex, mg, where = (results[k] for k in ("autoencoder", "toy_gan", "explorers", "mnist_gan", "machine"))
    notebook = results.get("notebook")
    lines = [
        "# Chapter 10 — recorded run",
        "",
        f"`python -m benchmarks.bench_generative --record{' --notebook' if notebook else ''}` ({results['mode']} "
        f"mode) on {where['date']}: {where['machine']}, {where['cores']} cores, load average {where['load_average']} "
        f"at the end (above {where['cores']} means other work slowed the times down).",
        "",
        f"## Autoencoders ({ae['n_train']:,} training images, squared error per pixel on the 10,000 test images)",
        "",
        "| model | test error |",
        "|---|---|",
        f"| mean image (no code) | {ae['error_mean_image']:.4f} |",
        f"| PCA, 2 components | {ae['error_pca_2d']:.4f} |",
        f"| autoencoder 784-256-64-**2**-64-256-784, trained in {ae['train_seconds']:.0f} s | "
        f"{ae['error_autoencoder_2d']:.4f} |",
        f"| noisy input, σ = 0.5 | {ae['denoise_error_noisy_input']:.4f} |",
        f"| denoising autoencoder (code 32) on that input | {ae['denoise_error_output']:.4f} |",
        "",
        "## Toy GAN on the ring of 8 Gaussians (seed 0)",
        "",
        "| setting | rounds | energy distance, start → end | modes covered | points near a mode | ms / round |",
        "|---|---|---|---|---|---|",
    ]
    names = {"good": "Adam 1e-3 for both, 1 D step, non-saturating",
             "collapse": "D lr 1e-2, G lr 1e-3, 5 D steps, minimax"}
    for key, name in names.items():
        t = toy[key]
        lines.append(f"| {name} | {t['rounds']} | {t['energy_start']:.3f} → {t['energy_end']:.4f} | "
                     f"{t['modes_covered']}/8 | {t['near_share']:.0%} | {t['ms_per_round']:.1f} |")
    lines += [
        "",
        "## Explorers, kernel side (median)",
        "",
        f"Latent space {ex['latent_explorer_update_median_ms']:.1f} ms (p95 {ex['latent_explorer_update_p95_ms']:.1f}); "
        f"denoising {ex['denoise_explorer_update_median_ms']:.1f} ms (p95 {ex['denoise_explorer_update_p95_ms']:.1f}); "
        f"GAN explorer: a Play tick ({ex['gan_lab_rounds_per_tick']} rounds + redraw) "
        f"{ex['gan_lab_play_tick_median_ms']:.0f} ms, one D step {ex['gan_lab_d_step_median_ms']:.0f} ms, "
        f"one G step {ex['gan_lab_g_step_median_ms']:.0f} ms.",
        "",
        f"## MNIST GAN ({mg['rounds']} rounds of batch 64, {mg['ms_per_round']:.1f} ms per round)",
        "",
        f"Energy distance to 1,000 real test digits: untrained {mg['energy_untrained']:.2f}, trained "
        f"{mg['energy_trained']:.3f}, another 1,000 real digits {mg['energy_real_vs_real']:.3f}. A two-epoch MLP "
        f"(test accuracy {mg['judge_test_accuracy']:.1%}) recognises {mg['recognised_share']:.0%} of 1,000 samples "
        f"with more than 90 % confidence, as {mg['digits_covered']} different digits.",
    ]
    if notebook:
        lines += ["", "## The notebook", "",
                  f"`notebooks/10_autoencoders_gans.ipynb` top to bottom in {notebook['mode']} mode: "
                  f"{notebook['seconds']} s, kernel peak {notebook['peak_rss_mib']} MiB, {notebook['status']}."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from benchmarks.__main__ import run_notebook
    from dlnotes.config import is_smoke

    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_generative", description=__doc__.split("\n")[0])
    ap.add_argument("--record", action="store_true", help="also write results/generative.md (the committed record)")
    ap.add_argument("--notebook", action="store_true", help="also time the notebook top to bottom")
    args = ap.parse_args(argv)
    full = not is_smoke()
    results = run(full)
    if args.notebook:
        results["notebook"] = run_notebook(NOTEBOOK, smoke=not full, timeout=900)
    results["machine"] = machine()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_generative.json").write_text(json.dumps(results, indent=1, default=float))
    if args.record:
        (RESULTS / "generative.md").write_text(record(results))
    print(json.dumps(results, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
