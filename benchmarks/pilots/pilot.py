"""Pilot: cost and seed noise of candidate cpu budgets. 2 worker processes x 1 thread."""
import json, random, sys, time, os
import multiprocessing as mp

def init():
    import torch; torch.set_num_threads(1)

def job(args):
    recipe, mi, cfgd, seed = args
    import regnet_lab as rl
    from regnet_lab.budget import BUDGETS
    from regnet_lab.training import train
    c = rl.config_from_dict(cfgd)
    b = BUDGETS['cpu'].replace(**recipe)
    import time as _t
    c0 = _t.process_time()
    r = train(c, budget=b, seed=seed, device='cpu')
    cpu = _t.process_time() - c0
    return dict(recipe=recipe, model=mi, seed=seed, mflops=rl.complexity(c, resolution=28).flops/1e6,
                error=r.error, status=r.status, cpu=cpu, seconds=r.seconds, ips=r.images_per_second,
                test_errors=r.curves['test_error'], final_loss=r.curves['loss'][-1])

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    from models import sample
    import regnet_lab as rl
    recipe = json.loads(sys.argv[1]); out = sys.argv[2]
    nmodels = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    lo, hi = (float(v) for v in (sys.argv[4].split(',') if len(sys.argv) > 4 else ('4', '16')))
    rng = random.Random(12345)
    cfgs = []
    if os.environ.get('SPACE'):
        cfgs = rl.design_space(os.environ['SPACE']).sample(nmodels, seed=int(os.environ.get('SSEED', 0)), flops=(int(lo*1e6), int(hi*1e6)), regime='fashion-mnist')
    while len(cfgs) < nmodels:
        c = sample(rng)
        if lo <= rl.complexity(c, resolution=28).flops / 1e6 <= hi:
            cfgs.append(c)
    jobs = []
    if os.environ.get('JOBS'):
        for ms in os.environ['JOBS'].split(','):
            m_, s_ = (int(v) for v in ms.split(':'))
            jobs.append((recipe, m_, cfgs[m_].to_dict(), s_))
        cfgs = []
    for s in range(int(os.environ.get('NSEEDS', 3))):
        for i, c in enumerate(cfgs):
            jobs.append((recipe, i, c.to_dict(), s))
    for s in ((3, 4) if cfgs else ()):
        for i in (0, 1):
            jobs.append((recipe, i, cfgs[i].to_dict(), s))
    t = time.time()
    with mp.get_context('spawn').Pool(2, initializer=init) as pool, open(out, 'a') as f:
        for r in pool.imap_unordered(job, jobs):
            f.write(json.dumps(r) + "\n"); f.flush()
            print(r['model'], r['seed'], f"{r['mflops']:.1f}MF", f"cpu {r['cpu']:.1f}s", f"{r['error']:.2f}", r['status'], f"{r['seconds']:.1f}s", f"{r['ips']:.0f}/s", flush=True)
    print("wall", time.time() - t)
