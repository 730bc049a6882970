import random, regnet_lab as rl
def sample(rng):
    while True:
        d=[rng.randint(1,4) for _ in range(4)]
        w=[8*rng.randint(1,32) for _ in range(4)]
        b=[rng.choice([1,2,4]) for _ in range(4)]
        g=[rng.choice([1,2,4,8,16]) for _ in range(4)]
        try:
            w2,g2=rl.make_compatible(w,b,g)
            c=rl.AnyNetConfig(depths=d,widths=w2,bottleneck_ratios=b,group_widths=g2,stem_width=16,stem_stride=1,in_channels=1,num_classes=10)
            return c
        except ValueError:
            continue
if __name__=="__main__":
    import numpy as np
    rng=random.Random(0)
    fl=[rl.complexity(sample(rng),resolution=28).flops/1e6 for _ in range(2000)]
    print(np.percentile(fl,[5,10,25,50,75,90,95]))
