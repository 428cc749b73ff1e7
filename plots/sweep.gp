# Sweep curves: a measure against the first swept setting, one curve per value of the second,
# with 95 % confidence intervals.  `categorical` is 1 when the setting's values are not numbers
# (they are then evenly spaced and labelled by name).
# $data: per value of the first setting, its row number, x, then mean/low/high for each curve;
# keys: the curves' titles; tics: the values' labels.
n = |keys|
set title title noenhanced
set xlabel xlabel noenhanced
set ylabel ylabel noenhanced
set key top left noenhanced
set grid
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1
if (categorical) {
  set xtics noenhanced
  plot for [i=1:n] $data using 2:(column(3*i)):(column(3*i+1)):(column(3*i+2)):xtic(tics[int(column(0))+1]) \
       with yerrorlines lw 2 pt 7 title keys[i]
} else {
  plot for [i=1:n] $data using 2:(column(3*i)):(column(3*i+1)):(column(3*i+2)) \
       with yerrorlines lw 2 pt 7 title keys[i]
}
