"""`make bench`: the measurements are real, and README's Performance section is generated."""

from __future__ import annotations

import nbformat
import pytest

from benchmarks import readme
from benchmarks.__main__ import machine, percentile, run_notebook, summary


def test_percentile_matches_linear_interpolation():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10], 95) == 10
    assert percentile(list(range(101)), 95) == pytest.approx(95)
    assert percentile([], 50) is None


def test_readme_section_between_markers_is_replaced_and_the_rest_kept():
    text = "# dlnotes\n\n## Performance\n<!-- perf:start -->\nold numbers\n<!-- perf:end -->\n\n## License\n"
    new = readme.render(text, "| a | b |\n")
    assert "old numbers" not in new and "| a | b |" in new
    assert new.startswith("# dlnotes\n\n## Performance\n<!-- perf:start -->")
    assert new.endswith("<!-- perf:end -->\n\n## License\n")
    assert readme.render(new, "| a | b |\n") == new, "rendering twice must change nothing"


def test_readme_without_markers_is_a_clear_error():
    with pytest.raises(ValueError, match="perf:start"):
        readme.render("# no markers here\n", "x")


def test_machine_reports_cpu_cores_and_ram():
    m = machine()
    assert m["cpu"] and m["cores"] >= 1
    assert m["ram_gib"] is None or m["ram_gib"] > 0


def test_notebook_run_measures_time_and_kernel_peak_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("DLNOTES_SMOKE", "1")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # Holding ~80 MiB for a moment must show up in the kernel's peak memory.
    nb.cells = [nbformat.v4.new_code_cell("import time\nblock = bytearray(80 * 2**20)\nblock[::4096] = b'x' * len(block[::4096])\ntime.sleep(0.5)")]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    row = run_notebook(path, smoke=True, timeout=60)
    assert row["status"] == "ok", row
    assert row["seconds"] > 0.4
    assert row["peak_rss_mib"] is not None and row["peak_rss_mib"] > 80, row


def test_notebook_run_records_an_error_instead_of_raising(tmp_path, monkeypatch):
    monkeypatch.setenv("DLNOTES_SMOKE", "1")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    row = run_notebook(path, smoke=True, timeout=60)
    assert row["status"] == "error" and "ZeroDivisionError" in row["error"]


def test_summary_has_a_row_per_notebook_and_explorer_with_browser_latency():
    mach = {"date": "2026-01-01T00:00:00", "cpu": "Test CPU", "cores": 2, "ram_gib": 8.0, "python": "3.11"}
    notebooks = [{"notebook": "01_x.ipynb", "mode": "smoke", "seconds": 3.2, "peak_rss_mib": 300.0,
                  "status": "ok", "error": None}]
    explorers = [{"explorer": "perceptron.decision_line_explorer", "expensive": False, "median_ms": 21.0,
                  "median_cpu_ms": 19.0, "p95_ms": 30.0, "samples": 200, "drag_median_ms": 17.0}]
    browser = {"chromium": "150", "moves_per_control": 4, "suite_wall_s": 100,
               "explorers": [{"notebook": "01_x.ipynb", "index": 0, "factory": "decision_line_explorer",
                              "median_ms": 180.0, "p95_ms": 250.0, "samples": 8, "drag_median_ms": 120.0,
                              "drag_p95_ms": 140.0, "drag_samples": 4}],
               "notebooks": [{"notebook": "01_x.ipynb", "open_s": 5.0, "run_all_s": 9.0, "failures": []}]}
    md = summary(mach, notebooks, explorers, browser, {"bench_conv": {"status": "ok", "seconds": 2.0,
                                                                        "result": {"accuracy": 0.91}}})
    assert "Test CPU" in md and "2 cores" in md
    assert "| 01_x.ipynb | 3.2 | 300.0 |" in md
    assert "| `perceptron.decision_line_explorer` | cheap | 21.0 | 19.0 | 30.0 | 200 | 17.0 | 180.0 | 250.0 |" in md
    assert "accuracy = 0.91" in md
    assert "| 01_x.ipynb#0 | `decision_line_explorer` | 180.0 | 250.0 | 8 | 120.0 | 140.0 | 4 |" in md


def test_a_drag_moves_each_slider_notch_by_notch_and_times_every_move():
    import numpy as np

    from benchmarks.__main__ import drag_times
    from dlnotes.explorers.base import Explorer, figure, int_slider, log_slider

    fig, ax = figure(figsize=(3, 2))
    seen = []
    explorer = Explorer(lambda n, lr: seen.append((n, lr)),
                        {"n": int_slider("n", 0, 100, 10), "lr": log_slider("lr", 1e-3, 1.0, 0.9)}, fig)
    moves = drag_times(explorer, budget_s=30, notches=5)
    assert len(moves) == 10 and all(ms > 0 for ms in moves)
    assert [n for n, _ in seen[-10:-5]] == [11, 12, 13, 14, 15]
    assert np.allclose([lr for _, lr in seen[-5:]], [0.9 / 10 ** (0.1 * k) for k in range(1, 6)])


def test_chapter_10_record_shows_the_numbers_prose_may_quote():
    from benchmarks.bench_generative import record

    toy = {"energy_start": 0.628, "energy_end": 0.0101, "modes_covered": 8, "near_share": 0.88, "ms_per_round": 1.9,
           "rounds": 2000}
    results = {
        "mode": "full",
        "machine": {"date": "2026-01-01", "machine": "x86_64", "cores": 2, "load_average": 1.0},
        "autoencoder": {"n_train": 55000, "error_autoencoder_2d": 0.0382, "error_pca_2d": 0.0557,
                        "error_mean_image": 0.0675, "train_seconds": 60.0, "denoise_error_noisy_input": 0.1156,
                        "denoise_error_output": 0.0164},
        "toy_gan": {"good": toy, "collapse": {**toy, "modes_covered": 4}, "bench_seconds": 9.0},
        "explorers": {"latent_explorer_update_median_ms": 20.0, "latent_explorer_update_p95_ms": 30.0,
                      "denoise_explorer_update_median_ms": 25.0, "denoise_explorer_update_p95_ms": 35.0,
                      "gan_lab_play_tick_median_ms": 80.0, "gan_lab_rounds_per_tick": 10,
                      "gan_lab_d_step_median_ms": 60.0, "gan_lab_g_step_median_ms": 70.0},
        "mnist_gan": {"rounds": 5000, "ms_per_round": 18.0, "energy_untrained": 15.36, "energy_trained": 0.295,
                      "energy_real_vs_real": 0.019, "judge_test_accuracy": 0.968, "recognised_share": 0.571,
                      "digits_covered": 9},
    }
    md = record(results)
    assert md.startswith("# Chapter 10 — recorded run")
    assert "| autoencoder 784-256-64-**2**-64-256-784, trained in 60 s | 0.0382 |" in md
    assert "| PCA, 2 components | 0.0557 |" in md and "4/8" in md and "8/8" in md
    assert "as 9 different digits" in md and "57%" in md


def test_summary_shows_the_playgrounds_frame_rate_and_its_cost_split():
    mach = {"date": "2026-01-01", "cpu": "cpu", "cores": 2, "ram_gib": 8, "python": "3.11"}
    browser = {"chromium": "1", "moves_per_control": 1, "suite_wall_s": 1, "explorers": [], "notebooks": [],
               "playing": [{"config": "circle (default)", "fps": 16.2, "median_frame_ms": 61.0,
                            "kernel": {"train_ms": 5, "update_ms": 2, "render_ms": 12, "encode_ms": 8, "other_ms": 1,
                                       "total_ms": 28}}]}
    md = summary(mach, None, None, browser, None)
    assert "| circle (default) | 16.2 | 61.0 | 5 | 2 | 12 | 8 | 1 | 28 | 33.0 |" in md


def test_summary_compares_blitting_with_a_full_redraw():
    mach = {"date": "2026-01-01T00:00:00", "cpu": "Test CPU", "cores": 2, "ram_gib": 8.0, "python": "3.11"}
    blitting = [{"explorer": "playground.playground", "scenario": "Play frames", "samples": 100,
                 "blit_median_ms": 50.0, "blit_p95_ms": 60.0, "full_median_ms": 100.0, "full_p95_ms": 120.0,
                 "speedup": 2.0, "errors": 0}]
    md = summary(mach, None, None, None, None, blitting)
    assert "| `playground.playground` | Play frames | 50.0 | 60.0 | 100.0 | 120.0 | 2.0 | 100 |" in md
